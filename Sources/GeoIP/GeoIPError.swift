/// A GeoIP database that cannot be used, naming the file and what to do.
public struct GeoIPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database file.
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "GeoIP database \(path): \(message)" }
}
