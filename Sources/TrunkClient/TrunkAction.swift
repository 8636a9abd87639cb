import SIPCore

/// What the caller of the state machine must do.
public enum TrunkAction: Hashable, Sendable {
    /// Send `request` as a new client transaction to the resolved target number `target`
    /// (retransmitting over UDP per RFC 3261 timer E) and report its final response, its
    /// timeout (timer F) or a transport error.
    case send(SIPRequest, target: Int)
    /// Record `event`.
    case event(TrunkEvent)
}
