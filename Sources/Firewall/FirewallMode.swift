/// Which firewall backend enforces bans (configuration key `firewall`, flag `--firewall`).
public enum FirewallMode: String, Hashable, Sendable, CaseIterable {
    /// The in-memory backend: banned sources are dropped by the daemon before parsing.
    case memory

    /// Modes a later release adds; named so that a configuration using them gets a clear
    /// answer instead of "unknown value".
    public static let comingLater = ["nftables", "auto"]

    /// Parses a configured mode ("memory"; case-insensitive).
    ///
    /// - Throws: `FirewallModeError.notAvailableYet` for "nftables" and "auto",
    ///   `FirewallModeError.unknown` for anything else.
    public init(parsing text: String) throws(FirewallModeError) {
        let lowered = text.lowercased()
        if let mode = FirewallMode(rawValue: lowered) {
            self = mode
            return
        }
        if Self.comingLater.contains(lowered) { throw .notAvailableYet(lowered) }
        throw .unknown(text)
    }

    /// A new backend of this mode.
    public func makeBackend() -> any FirewallBackend {
        switch self {
        case .memory: MemoryFirewall()
        }
    }
}
