/// What `GET /v1/stats` answers: the daemon's traffic and security figures.
///
/// JSON keys: `registrations` (live bindings), `aors` (AORs with a live binding),
/// `registers_last_minute` and `registers_per_second` (REGISTERs answered 2xx in the last 60
/// seconds, and that over 60), `auth_failures_last_minute` and `auth_failures_per_second`
/// (`auth.failed` and `auth.unknown_user` events, likewise), `register_time_avg_ms` and
/// `register_time_p99_ms` (REGISTER processing time since the start, receipt to response
/// including the durable commit; p99 is the upper bound of its histogram bucket, null before
/// the first REGISTER), `registers_total`, `active_bans`, `events` (an object: event kind to
/// count since the start), `history` (the registration history's figures), `alerts` (the
/// alert engine's `AlertStateInfo`s) and `alert_webhook` (delivered, failed, dropped).
public struct StatsInfo: Codable, Hashable, Sendable {
    /// Live bindings.
    public var registrations: Int
    /// AORs with at least one live binding.
    public var aors: Int
    /// REGISTERs answered 2xx in the last 60 seconds.
    public var registersLastMinute: Int
    /// `registersLastMinute / 60`.
    public var registersPerSecond: Double
    /// Authentication failures in the last 60 seconds.
    public var authFailuresLastMinute: Int
    /// `authFailuresLastMinute / 60`.
    public var authFailuresPerSecond: Double
    /// REGISTERs processed since the start (any answer).
    public var registersTotal: Int
    /// Mean REGISTER processing time, milliseconds; nil before the first.
    public var registerTimeAvgMs: Double?
    /// 99th percentile of REGISTER processing time, milliseconds (bucket upper bound).
    public var registerTimeP99Ms: Double?
    /// Bans in force.
    public var activeBans: Int
    /// Security events recorded since the start, by kind.
    public var events: [String: Int]
    /// Policy plugins loaded (`plugins_loaded`); nil from older daemons.
    public var pluginsLoaded: Int?
    /// Policy plugins failed, or disabled after throwing or getting stuck (`plugins_failed`);
    /// switched off on purpose (`enabled: false`) does not count. Nil from older daemons.
    public var pluginsFailed: Int?
    /// Whether any plugin is loaded and enforcing (`protection_active`); nil from older daemons.
    public var protectionActive: Bool?
    /// Events some policy plugin missed because its queue was full, since start
    /// (`plugin_events_dropped`); nil from older daemons.
    public var pluginEventsDropped: Int?
    /// The registration history's figures (`history`): events written and dropped, the
    /// current minute's counts; nil when the history is disabled or from older daemons.
    public var history: HistoryStatsInfo?
    /// The alert engine's alerts now (`alerts`: `AlertStateInfo`s); nil when it does not run.
    public var alerts: [AlertStateInfo]?
    /// The alert webhook's figures (`alert_webhook`); nil without `alerts.webhook`.
    public var alertWebhook: AlertsReport.Webhook?
    /// How many trunks are in each state (`trunks`: `registered`, `registering`, `retrying`,
    /// `rejected`, `disabled`); nil from older daemons.
    public var trunks: [String: Int]?

    /// Creates a stats answer.
    public init(
        registrations: Int, aors: Int, registersLastMinute: Int, authFailuresLastMinute: Int, registersTotal: Int,
        registerTimeAvgMs: Double?, registerTimeP99Ms: Double?, activeBans: Int, events: [String: Int],
        pluginsLoaded: Int? = nil, pluginsFailed: Int? = nil, protectionActive: Bool? = nil, pluginEventsDropped: Int? = nil
    ) {
        self.pluginEventsDropped = pluginEventsDropped
        self.pluginsLoaded = pluginsLoaded
        self.pluginsFailed = pluginsFailed
        self.protectionActive = protectionActive
        self.registrations = registrations
        self.aors = aors
        self.registersLastMinute = registersLastMinute
        self.registersPerSecond = Double(registersLastMinute) / 60
        self.authFailuresLastMinute = authFailuresLastMinute
        self.authFailuresPerSecond = Double(authFailuresLastMinute) / 60
        self.registersTotal = registersTotal
        self.registerTimeAvgMs = registerTimeAvgMs
        self.registerTimeP99Ms = registerTimeP99Ms
        self.activeBans = activeBans
        self.events = events
    }

    private enum CodingKeys: String, CodingKey {
        case registrations, aors
        case registersLastMinute = "registers_last_minute"
        case registersPerSecond = "registers_per_second"
        case authFailuresLastMinute = "auth_failures_last_minute"
        case authFailuresPerSecond = "auth_failures_per_second"
        case registersTotal = "registers_total"
        case registerTimeAvgMs = "register_time_avg_ms"
        case registerTimeP99Ms = "register_time_p99_ms"
        case activeBans = "active_bans"
        case events
        case pluginsLoaded = "plugins_loaded"
        case pluginsFailed = "plugins_failed"
        case protectionActive = "protection_active"
        case pluginEventsDropped = "plugin_events_dropped"
        case history
        case alerts
        case alertWebhook = "alert_webhook"
        case trunks
    }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(registrations, forKey: .registrations)
        try c.encode(aors, forKey: .aors)
        try c.encode(registersLastMinute, forKey: .registersLastMinute)
        try c.encode(registersPerSecond, forKey: .registersPerSecond)
        try c.encode(authFailuresLastMinute, forKey: .authFailuresLastMinute)
        try c.encode(authFailuresPerSecond, forKey: .authFailuresPerSecond)
        try c.encode(registersTotal, forKey: .registersTotal)
        try c.encode(registerTimeAvgMs, forKey: .registerTimeAvgMs)
        try c.encode(registerTimeP99Ms, forKey: .registerTimeP99Ms)
        try c.encode(activeBans, forKey: .activeBans)
        try c.encode(events, forKey: .events)
        try c.encodeIfPresent(pluginsLoaded, forKey: .pluginsLoaded)
        try c.encodeIfPresent(pluginsFailed, forKey: .pluginsFailed)
        try c.encodeIfPresent(protectionActive, forKey: .protectionActive)
        try c.encodeIfPresent(pluginEventsDropped, forKey: .pluginEventsDropped)
        try c.encodeIfPresent(history, forKey: .history)
        try c.encodeIfPresent(alerts, forKey: .alerts)
        try c.encodeIfPresent(alertWebhook, forKey: .alertWebhook)
        try c.encodeIfPresent(trunks, forKey: .trunks)
    }
}
