import Registrar

/// One line of the append-only ban history: a ban added, removed or expired.
public struct BanHistoryEntry: Hashable, Sendable {
    /// The address or CIDR range concerned.
    public var target: String
    /// What happened.
    public var action: BanAction
    /// When it happened (for `expired`: the ban's expiry time).
    public var at: Timestamp
    /// Who did it: a plugin name, "operator", "fail2ban <jail>"; for `expired`, the ban's source.
    public var source: String
    /// The reason given (for `expired`, the ban's reason).
    public var reason: String

    /// Creates a history entry.
    public init(target: String, action: BanAction, at: Timestamp, source: String, reason: String) {
        self.target = target
        self.action = action
        self.at = at
        self.source = source
        self.reason = reason
    }
}
