import SIPCore

/// What the registrar decided for one REGISTER.
public struct RegisterOutcome: Sendable {
    /// The response to send.
    public var response: SIPResponse
    /// Changes that must be durable before `response` is sent (empty: send at once).
    public var changes: [BindingChange]
    /// Events for security policy and history.
    public var events: [RegistrarEvent]
    /// Set when the reviewer answered ``RegisterReviewVerdict/later``: nothing was decided,
    /// `response` is a placeholder never to be sent; review `pending.review`, then call
    /// ``Registrar/finishRegister(_:verdict:)``.
    public var pending: PendingRegister?

    /// Creates an outcome.
    public init(response: SIPResponse, changes: [BindingChange] = [], events: [RegistrarEvent] = []) {
        self.response = response
        self.changes = changes
        self.events = events
    }

    /// An outcome that waits for a review (see ``pending``).
    init(pending: PendingRegister) {
        // A bare status line: building a full reply (headers copied from the request) for a
        // placeholder never sent cost about 1% of the daemon's CPU at 10,000 REGISTERs/s.
        self.response = SIPResponse(statusCode: 500, reasonPhrase: "Review Pending")
        self.changes = []
        self.events = []
        self.pending = pending
    }
}
