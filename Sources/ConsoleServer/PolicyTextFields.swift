import Foundation
/// The single-value lines of a policy file (`  max_failures: 10  # comment`), as form fields:
/// the console edits the values in place, so the file's comments and layout stay as they are.
/// Lists and nested values are left to the whole-file editor.
struct PolicyTextFields {
    /// One editable line.
    struct Field: Equatable {
        /// The line's index in the file.
        var line: Int
        /// The key's path ("enabled", "settings.max_failures").
        var path: String
        /// The key alone ("max_failures").
        var key: String
        /// The value as written (quotes included).
        var value: String
    }

    /// The file's lines.
    var lines: [String]
    /// Its editable lines, in order.
    var fields: [Field]

    /// Reads `text`.
    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        fields = []
        var parents: [(indent: Int, key: String)] = []
        for (index, line) in lines.enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            guard let first = content.first, first != "#", first != "-", let colon = content.firstIndex(of: ":") else { continue }
            let key = String(content[..<colon])
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            while let last = parents.last, last.indent >= indent { parents.removeLast() }
            let path = (parents.map(\.key) + [key]).joined(separator: ".")
            let value = Self.value(content[content.index(after: colon)...])
            if value.isEmpty {
                parents.append((indent, key))
            } else if key != "plugin" {
                fields.append(Field(line: index, path: path, key: key, value: value))
            }
        }
    }

    /// The value part of `  key: VALUE  # comment`, comment and blanks removed.
    private static func value(_ rest: Substring) -> String {
        var inQuote: Character?
        var out = ""
        for character in rest {
            if let quote = inQuote {
                if character == quote { inQuote = nil }
            } else if character == "\"" || character == "'" {
                inQuote = character
            } else if character == "#", out.isEmpty || out.last == " " {
                break
            }
            out.append(character)
        }
        return out.trimming(" \t")
    }

    /// The text with `values` (by line index) put in place of the old values.
    func text(replacing values: [Int: String]) -> String {
        var lines = self.lines
        for field in fields {
            guard let new = values[field.line]?.trimming(" \t"), new != field.value else { continue }
            let line = lines[field.line]
            let indent = line.prefix { $0 == " " }
            let content = line.dropFirst(indent.count)
            guard let colon = content.firstIndex(of: ":") else { continue }
            let rest = content[content.index(after: colon)...]
            // Keep a trailing comment.
            let comment = rest.range(of: " #").map { String(rest[$0.lowerBound...]) } ?? ""
            let safe = new.contains("#") || new.contains(":") ? "\"" + new.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : new
            lines[field.line] = "\(indent)\(field.key): \(safe)\(comment)"
        }
        return lines.joined(separator: "\n")
    }
}
