import SIPWardenPolicy

/// Where bans are enforced: the in-memory mirror consulted on the packet path
/// (`MemoryFirewall`), or the kernel's nftables sets (a later backend).
///
/// Calls take arrays because a kernel backend sends them as one netlink batch. Every method is
/// safe from any thread. Allowed (trusted) ranges win over bans: an address in them is never
/// blocked, whatever is banned.
public protocol FirewallBackend: Sendable {
    /// The backend's name for logs and status ("memory", "nftables").
    var name: String { get }

    /// Puts bans in force. Banning a target again extends its expiry (never shortens it).
    func ban(_ entries: [FirewallBan]) throws

    /// Lifts the bans on exactly these targets (a ban of a range is lifted by the range).
    /// Targets that are not banned are ignored.
    func unban(_ targets: [IPRange]) throws

    /// Whether packets from `address` are to be dropped at `nowMilliseconds`: a ban in force
    /// covers it and no allowed range contains it. Called per packet: cheap and lock-light.
    func isBlocked(_ address: IPAddress, nowMilliseconds: Int64) -> Bool

    /// Replaces the ranges that are never blocked (trusted ranges, per-phone allowlists).
    func setAllowed(_ ranges: [IPRange]) throws
}
