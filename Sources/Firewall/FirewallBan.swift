import SIPWardenPolicy

/// One ban as a firewall backend enforces it: a target and when it lapses.
public struct FirewallBan: Hashable, Sendable {
    /// The banned address (a /32 or /128 range) or CIDR range.
    public var target: IPRange
    /// When the ban lapses, milliseconds since the Unix epoch.
    public var expiresAtMilliseconds: Int64

    /// Creates a ban entry.
    public init(target: IPRange, expiresAtMilliseconds: Int64) {
        self.target = target
        self.expiresAtMilliseconds = expiresAtMilliseconds
    }
}
