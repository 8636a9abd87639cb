/// What `GET /v1/health` answers: the daemon is up, which version, and how much it holds.
///
/// JSON keys: `version`, `uptime_seconds`, `bindings`, `subscribers`, `firewall`.
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

    /// Creates a health report.
    public init(version: String, uptimeSeconds: Int, bindings: Int, subscribers: Int, firewall: String? = nil) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.bindings = bindings
        self.subscribers = subscribers
        self.firewall = firewall
    }

    private enum CodingKeys: String, CodingKey {
        case version
        case uptimeSeconds = "uptime_seconds"
        case bindings, subscribers, firewall
    }
}
