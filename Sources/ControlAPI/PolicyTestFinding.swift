/// One thing the policies would have done while a security log was replayed through them
/// (`sipwardenctl policy test`, `sipwarden --policy-test`): a ban (or an alert) with when,
/// what, who decided it and why. JSON keys: `time_ms`, `action` (`ban`, `unban`, `alert`),
/// `target`, `seconds`, `plugin`, `reason`, `evidence` (the log's event ids behind it),
/// `ignored` (why the daemon would not apply it, e.g. `trusted`; absent when it would).
public struct PolicyTestFinding: Codable, Hashable, Sendable {
    /// When, in the replayed log's time (milliseconds since the epoch).
    public var timeMilliseconds: Int64
    /// `ban`, `unban` or `alert`.
    public var action: String
    /// The banned address or range (ban, unban); empty for an alert.
    public var target: String
    /// The ban's length in seconds (ban only).
    public var seconds: Int?
    /// The policy (plugin instance) that decided.
    public var plugin: String
    /// The reason, or the alert's message.
    public var reason: String
    /// The ids of the replayed events behind it (as written in the log).
    public var evidence: [UInt64]
    /// Why the daemon would not apply it (a trusted address), or nil.
    public var ignored: String?

    /// Creates a finding.
    public init(timeMilliseconds: Int64, action: String, target: String, seconds: Int? = nil, plugin: String,
                reason: String, evidence: [UInt64] = [], ignored: String? = nil) {
        self.timeMilliseconds = timeMilliseconds
        self.action = action
        self.target = target
        self.seconds = seconds
        self.plugin = plugin
        self.reason = reason
        self.evidence = evidence
        self.ignored = ignored
    }

    private enum CodingKeys: String, CodingKey {
        case action, target, seconds, plugin, reason, evidence, ignored
        case timeMilliseconds = "time_ms"
    }
}
