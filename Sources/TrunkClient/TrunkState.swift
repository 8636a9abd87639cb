/// Where a trunk stands, as `sipwardenctl trunk list` shows it.
public enum TrunkState: String, Hashable, Codable, Sendable, CaseIterable {
    /// A REGISTER is due or in flight and the trunk is not registered yet.
    case registering
    /// The registrar accepted the binding; a refresh is scheduled.
    case registered
    /// The last attempt failed temporarily; the next try is scheduled with backoff.
    case retrying
    /// The registrar refused the credentials twice; retried only slowly or on `trunk refresh`.
    case rejected
    /// The operator disabled the trunk (or it is being removed or the daemon stops).
    case disabled
}
