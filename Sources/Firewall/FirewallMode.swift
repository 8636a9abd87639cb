/// Which firewall backend enforces bans (configuration key `firewall`, flag `--firewall`).
public enum FirewallMode: String, Hashable, Sendable, CaseIterable {
    /// nftables sets through netlink when the daemon can use them (CAP_NET_ADMIN, nf_tables
    /// present), the in-memory backend otherwise; the first log lines say which and why.
    case auto
    /// nftables sets: the kernel drops banned sources before they reach the socket. The daemon
    /// refuses to start when it cannot use them.
    case nftables
    /// The in-memory backend: banned sources are dropped by the daemon before parsing.
    case memory

    /// Parses a configured mode (case-insensitive).
    ///
    /// - Throws: `FirewallModeError.unknown` for anything but auto, nftables and memory.
    public init(parsing text: String) throws(FirewallModeError) {
        guard let mode = FirewallMode(rawValue: text.lowercased()) else { throw .unknown(text) }
        self = mode
    }
}
