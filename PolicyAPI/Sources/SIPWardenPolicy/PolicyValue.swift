/// A configuration value from a policy file (the YAML under `settings:`), as a plain tree so
/// plugins need no YAML library.
@frozen public enum PolicyValue: Hashable, Sendable {
    /// An empty value (`key:` or `key: null`); readers treat it as missing.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// A whole number.
    case int(Int64)
    /// A number with a fraction.
    case double(Double)
    /// Text.
    case string(String)
    /// A sequence.
    case list([PolicyValue])
    /// A mapping.
    case map([String: PolicyValue])
}

extension PolicyValue: CustomStringConvertible {
    /// The value as an operator wrote it, roughly: used in error messages.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        case .list(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .map(let values):
            "{" + values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}
