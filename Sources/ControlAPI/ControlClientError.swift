/// Why a control request did not get a successful answer.
///
/// `description` is a complete sentence for an operator; `isUnreachable` tells the CLI to exit
/// with status 3 (daemon unreachable) rather than 1 (the daemon refused or failed).
public enum ControlClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing answers at the socket path; `reason` says why ("no such socket",
    /// "connection refused").
    case unreachable(socketPath: String, reason: String)
    /// The socket exists but this user may not connect to it.
    case permissionDenied(socketPath: String)
    /// The daemon accepted the connection but did not answer in time.
    case timedOut(socketPath: String, seconds: Int)
    /// The connection broke, or the answer was not a well-formed HTTP response.
    case badResponse(socketPath: String, message: String)
    /// The daemon answered with a non-2xx status and this error body.
    case daemon(status: Int, error: ControlError)

    /// Whether the daemon could not be reached at all (the CLI's exit status 3).
    public var isUnreachable: Bool {
        switch self {
        case .unreachable, .permissionDenied, .timedOut: return true
        case .badResponse, .daemon: return false
        }
    }

    /// A sentence for the operator: what happened and what to do.
    public var description: String {
        switch self {
        case .unreachable(let path, let reason):
            return "cannot reach sipwarden at \(path) (\(reason)). Is the daemon running? "
                + "Start it with 'systemctl start sipwarden' (installed; its socket is \(ControlSocket.installedPath): "
                + "export \(ControlSocket.environmentVariable)=\(ControlSocket.installedPath)), 'make run' (source tree) "
                + "or 'sipwarden --control-socket \(path)'."
        case .permissionDenied(let path):
            return "cannot reach sipwarden at \(path) (permission denied). The control socket is mode 0660: "
                + "run sipwardenctl as the daemon's user or as a member of the socket's group (see 'ls -l \(path)')."
        case .timedOut(let path, let seconds):
            return "sipwarden at \(path) accepted the connection but did not answer within \(seconds) s. "
                + "Check the daemon's log; it may be overloaded or stuck."
        case .badResponse(let path, let message):
            return "the answer from \(path) was not understood: \(message)"
        case .daemon(_, let error):
            return error.description
        }
    }
}
