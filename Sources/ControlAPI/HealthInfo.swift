/// What `GET /v1/health` answers: the daemon is up, which version, and how much it holds.
///
/// JSON keys: `version`, `uptime_seconds`, `bindings`, `subscribers`, `firewall`,
/// `firewall_table` (the nftables table this daemon owns, `inet NAME`; absent with the memory
/// firewall and from older daemons),
/// `protection_active` (true when at least one policy plugin is loaded and enforcing),
/// `protections` (every plugin, ``ProtectionInfo``) and `policies_dir` (the directory read, or
/// null when none: the shipped plugins then run on their defaults). Older daemons leave the
/// last three out. `history` (``HistoryStatsInfo``: events written and dropped, the file's
/// size) is absent when `history.enabled` is false.
public struct HealthInfo: Codable, Hashable, Sendable {
    /// The daemon's version string.
    public var version: String
    /// Whole seconds since the daemon started.
    public var uptimeSeconds: Int
    /// The number of live bindings in the location service.
    public var bindings: Int
    /// The number of provisioned subscribers.
    public var subscribers: Int
    /// The firewall backend enforcing bans ("nftables" or "memory"); absent from older daemons.
    public var firewall: String?
    /// The nftables table this daemon owns ("inet sipwarden"); nil with the memory firewall.
    public var firewallTable: String?
    /// Whether any policy plugin is loaded and enforcing; nil from older daemons.
    public var protectionActive: Bool?
    /// Every policy plugin and its state; nil from older daemons.
    public var protections: [ProtectionInfo]?
    /// The policies directory read; nil when none (or from older daemons).
    public var policiesDirectory: String?
    /// The registration history's figures; nil when it is disabled (or from older daemons).
    public var history: HistoryStatsInfo?

    /// Creates a health report.
    public init(version: String, uptimeSeconds: Int, bindings: Int, subscribers: Int, firewall: String? = nil,
                protections: [ProtectionInfo]? = nil, policiesDirectory: String? = nil) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.bindings = bindings
        self.subscribers = subscribers
        self.firewall = firewall
        self.protections = protections
        self.protectionActive = protections.map { $0.contains(where: \.isProtecting) }
        self.policiesDirectory = policiesDirectory
    }

    private enum CodingKeys: String, CodingKey {
        case version
        case uptimeSeconds = "uptime_seconds"
        case bindings, subscribers, firewall
        case firewallTable = "firewall_table"
        case protectionActive = "protection_active"
        case protections
        case policiesDirectory = "policies_dir"
        case history
    }
}
