/// A failure while writing to or reading from the control socket.
enum SocketIOError: Error, Equatable {
    /// The daemon closed or reset the connection (EPIPE, ECONNRESET).
    case brokenPipe
    /// The timeout elapsed (EAGAIN on a socket with SO_RCVTIMEO / SO_SNDTIMEO).
    case timedOut
    /// Any other error, described.
    case other(String)

    /// The error as the client reports it.
    func clientError(socketPath: String, timeoutSeconds: Int) -> ControlClientError {
        switch self {
        case .brokenPipe:
            return .badResponse(socketPath: socketPath, message: "the daemon closed the connection without answering")
        case .timedOut:
            return .timedOut(socketPath: socketPath, seconds: timeoutSeconds)
        case .other(let message):
            return .badResponse(socketPath: socketPath, message: message)
        }
    }
}
