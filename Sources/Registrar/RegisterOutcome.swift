import SIPCore

/// What the registrar decided for one REGISTER.
public struct RegisterOutcome: Sendable {
    /// The response to send.
    public var response: SIPResponse
    /// Changes that must be durable before `response` is sent (empty: send at once).
    public var changes: [BindingChange]
    /// Events for security policy and history.
    public var events: [RegistrarEvent]

    /// Creates an outcome.
    public init(response: SIPResponse, changes: [BindingChange] = [], events: [RegistrarEvent] = []) {
        self.response = response
        self.changes = changes
        self.events = events
    }
}
