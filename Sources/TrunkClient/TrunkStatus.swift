import Registrar

/// A trunk's state and history, as `trunk list` and `trunk show` report it.
public struct TrunkStatus: Hashable, Sendable {
    /// The current state.
    public var state: TrunkState
    /// The expiry the registrar granted in its last 200, seconds.
    public var grantedExpires: UInt32?
    /// When the current binding lapses at the registrar, if not refreshed.
    public var expiresAt: Timestamp?
    /// When the next REGISTER goes out (refresh, retry or first attempt); nil when none is due.
    public var nextAttempt: Timestamp?
    /// The last 200 to a REGISTER.
    public var lastSuccess: Timestamp?
    /// The last failure of any kind.
    public var lastFailure: Timestamp?
    /// The status code of the last failure, nil for a timeout or transport error.
    public var lastFailureCode: Int?
    /// What the last failure was, in words ("503 Service Unavailable", "timeout", ...).
    public var lastFailureReason: String?
    /// Failed attempts since the last success.
    public var consecutiveFailures: Int
    /// The public address the registrar saw (Via received/rport), when it differs from ours.
    public var publicAddress: TrunkAddress?
    /// The Contact URI registered last.
    public var contact: String?

    /// A status in `state` with no history.
    public init(state: TrunkState) {
        self.state = state
        self.consecutiveFailures = 0
    }
}
