/// A refusal a `ControlService` throws to answer with a 4xx status (or any status it chooses)
/// and a message for the operator, instead of a 500.
public struct ControlServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The HTTP status to answer with, e.g. 409.
    public var status: Int
    /// What was wrong, in one sentence.
    public var message: String
    /// What to do about it, if anything.
    public var hint: String?

    /// Creates a refusal.
    public init(status: Int, message: String, hint: String? = nil) {
        self.status = status
        self.message = message
        self.hint = hint
    }

    /// 400: the request is wrong in a way only the daemon can tell.
    public static func badRequest(_ message: String, hint: String? = nil) -> ControlServiceError {
        ControlServiceError(status: 400, message: message, hint: hint)
    }

    /// 404: what the request names does not exist.
    public static func notFound(_ message: String, hint: String? = nil) -> ControlServiceError {
        ControlServiceError(status: 404, message: message, hint: hint)
    }

    /// 409: the request conflicts with what exists (a subscriber added twice).
    public static func conflict(_ message: String, hint: String? = nil) -> ControlServiceError {
        ControlServiceError(status: 409, message: message, hint: hint)
    }

    /// 503: the daemon cannot serve the request right now (starting, stopping).
    public static func unavailable(_ message: String, hint: String? = nil) -> ControlServiceError {
        ControlServiceError(status: 503, message: message, hint: hint)
    }

    /// "status: message".
    public var description: String { "\(status): \(message)" }
}
