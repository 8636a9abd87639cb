/// What happened to a ban, as `ban_history` records it.
public enum BanAction: String, Hashable, Sendable, CaseIterable {
    /// Banned, or banned again (which may extend the expiry).
    case added
    /// Lifted before its expiry (an operator or a plugin's unban).
    case removed
    /// Lapsed at its expiry.
    case expired
}
