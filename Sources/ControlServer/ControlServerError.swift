/// Why the control server could not start.
public enum ControlServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The socket path is longer than a Unix socket address holds.
    case pathTooLong(path: String, limit: Int)
    /// Another process (another sipwarden?) already answers on the socket.
    case alreadyInUse(path: String)
    /// Something that is not a socket exists at the path; it is left alone.
    case notASocket(path: String)
    /// The socket's directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// The socket's permissions could not be set.
    case cannotSetMode(path: String, reason: String)
    /// `start()` was called on a server that is running.
    case alreadyStarted
    /// The socket could not be given the configured group (`control.group`).
    case cannotSetGroup(path: String, group: String, reason: String)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .pathTooLong(let path, let limit):
            return "control socket path \(path) is \(path.utf8.count) bytes, more than the \(limit) a Unix socket allows; "
                + "set a shorter --control-socket"
        case .alreadyInUse(let path):
            return "control socket \(path) is in use: another sipwarden is running with this data directory; "
                + "stop it, or give this one another --data-dir or --control-socket"
        case .notASocket(let path):
            return "control socket path \(path) exists and is not a socket; move that file away or set another --control-socket"
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create the control socket's directory \(path): \(reason)"
        case .cannotSetMode(let path, let reason):
            return "cannot set mode 0660 on the control socket \(path): \(reason)"
        case .alreadyStarted:
            return "the control server is already running"
        case .cannotSetGroup(let path, let group, let reason):
            return "cannot give the control socket \(path) the group '\(group)' (control.group): \(reason)"
        }
    }
}
