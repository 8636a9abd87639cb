/// Why the security log could not be opened.
public enum SecurityLogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (or its directory) could not be created or opened for appending.
    case cannotOpen(path: String, reason: String)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            "cannot open the security log \(path): \(reason); check that the data directory is writable"
        }
    }
}
