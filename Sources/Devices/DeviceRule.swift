import Foundation

/// One pattern of the devices file: a regular expression (ICU syntax, as NSRegularExpression
/// reads it) that names a vendor, with templates that build the model and firmware from its
/// named groups.
///
/// A template is text with `${group}` references; a reference to a group that did not take
/// part in the match is empty. The defaults are `${model}` and `${firmware}`.
public struct DeviceRule: Sendable {
    /// The vendor this rule names; `${group}` references are allowed here too.
    public var vendor: String
    /// The pattern as written in the file.
    public var pattern: String
    /// Builds the model from the match.
    public var modelTemplate: String
    /// Builds the firmware from the match.
    public var firmwareTemplate: String
    /// The compiled pattern (immutable, safe to share between threads).
    let expression: NSRegularExpression
    let groupNames: [String]

    /// Compiles a rule; throws the compiler's message when `pattern` is not a valid regular expression.
    public init(vendor: String, pattern: String, model: String = "${model}", firmware: String = "${firmware}") throws {
        self.vendor = vendor
        self.pattern = pattern
        self.modelTemplate = model
        self.firmwareTemplate = firmware
        self.expression = try NSRegularExpression(pattern: pattern)
        self.groupNames = Self.groupNames(in: pattern)
    }

    /// The identity `userAgent` has under this rule, or nil when the pattern does not match.
    public func identify(_ userAgent: String) -> DeviceIdentity? {
        let whole = NSRange(userAgent.startIndex..., in: userAgent)
        guard let match = expression.firstMatch(in: userAgent, range: whole) else { return nil }
        var groups: [String: String] = [:]
        for name in groupNames {
            let range = match.range(withName: name)
            if range.location != NSNotFound, let bounds = Range(range, in: userAgent) {
                groups[name] = String(userAgent[bounds])
            }
        }
        return DeviceIdentity(vendor: Self.fill(vendor, groups), model: Self.fill(modelTemplate, groups),
                              firmware: Self.fill(firmwareTemplate, groups))
    }

    /// The `${name}` references of a template.
    static func references(in template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            names.append(String(rest[start.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return names
    }

    /// `template` with each `${name}` replaced by its group, blanks folded, ends trimmed.
    private static func fill(_ template: String, _ groups: [String: String]) -> String {
        var text = template
        for name in references(in: template) {
            text = text.replacingOccurrences(of: "${\(name)}", with: groups[name] ?? "")
        }
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The names of the `(?<name>...)` groups of a pattern.
    static func groupNames(in pattern: String) -> [String] {
        var names: [String] = []
        var rest = pattern[...]
        while let start = rest.range(of: "(?<") {
            let after = rest[start.upperBound...]
            // `(?<=` and `(?<!` are look-behinds, not names.
            if let first = after.first, first == "=" || first == "!" { rest = after; continue }
            guard let end = after.firstIndex(of: ">") else { break }
            names.append(String(after[..<end]))
            rest = after[after.index(after: end)...]
        }
        return names
    }
}
