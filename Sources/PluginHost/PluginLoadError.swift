/// Why a plugin library could not be loaded; the message names the file and what to do.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    /// The library file concerned.
    public var file: String
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    /// `FILE: MESSAGE`, or the message alone when it already names the file.
    public var description: String { message.contains(file) ? message : "\(file): \(message)" }
}
