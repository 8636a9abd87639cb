/// A configuration problem, naming the file, the key and the value so the operator can fix it.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The configuration file, or "command line".
    public var file: String
    /// The dotted key, e.g. "registrar.min_expires".
    public var key: String
    /// The offending value as written.
    public var value: String
    /// What is wrong and what is expected.
    public var message: String

    /// Creates an error.
    public init(file: String, key: String, value: String, message: String) {
        self.file = file
        self.key = key
        self.value = value
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): \(key): invalid value '\(value)': \(message)"
    }
}
