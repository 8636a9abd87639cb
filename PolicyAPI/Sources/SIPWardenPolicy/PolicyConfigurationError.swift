/// A bad value in a policy file, naming the file, the key and the value.
public struct PolicyConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The policy file, e.g. `rules/policies/bruteforce.yaml`.
    public var file: String
    /// The key, dotted for nested sections (`escalation.factor`).
    public var key: String
    /// The offending value as written.
    public var value: String
    /// What is wrong and what would be right.
    public var message: String

    /// Creates an error.
    public init(file: String, key: String, value: String, message: String) {
        self.file = file
        self.key = key
        self.value = value
        self.message = message
    }

    /// `FILE: KEY: invalid value 'VALUE': MESSAGE`.
    public var description: String { "\(file): \(key): invalid value '\(value)': \(message)" }
}
