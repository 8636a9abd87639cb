/// A plugin's answer about a ``RegisterAttempt``.
@frozen public enum Review: Hashable, Sendable {
    /// No objection.
    case allow
    /// Refuse the REGISTER with this SIP status (e.g. 403) and reason phrase.
    case refuse(status: Int, reason: String)
}
