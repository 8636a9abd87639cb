import Yams

/// A YAML syntax error on one line: where (line and column, from 1) and what, for the
/// configuration file and the policy files alike ("line 2, column 4: did not find expected
/// ',' or ']' (while parsing a flow sequence that started at line 1, column 9)").
public enum YAMLSyntaxError {
    /// The one-line description of an error thrown by Yams while reading a document.
    public static func describe(_ error: any Error) -> String {
        guard let yaml = error as? YamlError else { return flatten("\(error)") }
        switch yaml {
        case .scanner(let context, let problem, let mark, _):
            return located(context, problem, mark)
        case .parser(let context, let problem, let mark, _):
            return located(context, problem, mark)
        case .composer(let context, let problem, let mark, _):
            return located(context, problem, mark)
        case .reader(let problem, let offset, _, _):
            return offset.map { "byte \($0): \(flatten(problem))" } ?? flatten(problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "line \(context.mark.line), column \(context.mark.column): the key \(duplicates.joined(separator: ", ")) appears twice"
        default:
            return flatten("\(yaml)")
        }
    }

    private static func located(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> String {
        var text = "line \(mark.line), column \(mark.column): \(flatten(problem))"
        if let context {
            text += " (\(flatten(context.text)) that started at line \(context.mark.line), column \(context.mark.column))"
        }
        return text
    }

    private static func flatten(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
