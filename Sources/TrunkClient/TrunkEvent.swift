/// What a trunk reports to the security log and the plugins.
public enum TrunkEvent: Hashable, Sendable {
    /// The registrar accepted the binding (`trunk.registered`), for `expires` seconds.
    case registered(expires: UInt32, contact: String)
    /// An attempt failed temporarily (`trunk.failed`); `code` is the status, nil for a timeout or transport error.
    case failed(code: Int?, reason: String)
    /// The credentials were refused twice (`trunk.rejected`).
    case rejected(code: Int, reason: String)
    /// The binding was removed (`trunk.unregistered`): disabled, removed or the daemon stopped.
    case unregistered(reason: String)
}
