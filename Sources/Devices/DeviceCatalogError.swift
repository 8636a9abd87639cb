/// A problem with the devices file, naming the file, the key and the value.
public struct DeviceCatalogError: Error, CustomStringConvertible, Sendable {
    /// The devices file.
    public var file: String
    /// Where in it, e.g. `devices[3].match`; empty for the whole file.
    public var key: String
    /// The offending value as written.
    public var value: String
    /// What is wrong and what to do.
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
