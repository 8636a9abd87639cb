import SIPWardenPolicy

/// The ratelimit plugin's settings: the `settings:` of rules/policies/ratelimit.yaml, where
/// every key and its default is explained for operators.
struct RateLimitSettings: Sendable, Equatable {
    /// Packets per second a source without live bindings may send, sustained.
    var packetsPerSecond: Double
    /// Packets such a source may send at once before the rate applies.
    var burst: Double
    /// Extra packets per second per authenticated live binding registered from the source.
    var perBindingPacketsPerSecond: Double
    /// Extra burst per live binding (an office re-registering after an outage sends a burst).
    var perBindingBurst: Double
    /// What admission answers over budget.
    var overLimit: OverLimitAction
    /// The Retry-After of a 503 when `overLimit` is `reject`.
    var retryAfterSeconds: Int
    /// REGISTER requests per minute one source may make for one AOR, sustained.
    var aorRequestsPerMinute: Double
    /// REGISTER requests for one AOR one source may make at once.
    var aorBurst: Double
    /// The event kinds that stand for one REGISTER request (for the per-AOR budget).
    var aorEventKinds: Set<String>
    /// The length of one accounting window: a source is reported at most once per window.
    var windowMilliseconds: Int64
    /// A source over budget in this many windows ...
    var banAfterWindows: Int
    /// ... within this span is banned.
    var banWithinMilliseconds: Int64
    /// How long such a ban lasts.
    var banSeconds: Int
    /// Whether a source holding live bindings may be banned (default: no, it gets an alert).
    var banRegisteredSources: Bool
    /// How many sources the admission table tracks at most.
    var maxSources: Int
    /// How many (source, AOR) budgets are tracked at most.
    var maxAORBudgets: Int

    /// Every key the settings accept.
    static let keys = [
        "packets_per_second", "burst", "per_binding_packets_per_second", "per_binding_burst", "over_limit",
        "retry_after", "aor_requests_per_minute", "aor_burst", "aor_event_kinds", "window", "ban_after_windows",
        "ban_within", "ban_time", "ban_registered_sources", "max_sources", "max_aor_budgets",
    ]

    /// The event kinds counted as REGISTER requests by default: one per request a phone
    /// sends (the 401 round trip and the authenticated retry each count).
    static let defaultAOREventKinds = [
        SecurityEventKind.authChallenged, SecurityEventKind.authFailed, SecurityEventKind.authUnknownUser,
        SecurityEventKind.authStaleNonce, SecurityEventKind.registerAccepted, SecurityEventKind.registerRefreshed,
        SecurityEventKind.registerRejected, SecurityEventKind.aclDenied,
    ]

    /// Reads and checks the settings; errors name the file, key and value.
    init(_ configuration: PolicyConfiguration) throws(PolicyConfigurationError) {
        try configuration.rejectUnknownKeys(Self.keys)
        packetsPerSecond = try configuration.double("packets_per_second", default: 20, range: 0.1...1_000_000)
        burst = try configuration.double("burst", default: 100, range: 1...10_000_000)
        perBindingPacketsPerSecond = try configuration.double("per_binding_packets_per_second", default: 1, range: 0...10_000)
        perBindingBurst = try configuration.double("per_binding_burst", default: 10, range: 0...100_000)
        let action = try configuration.choice(
            "over_limit", default: OverLimitAction.drop.rawValue, allowed: OverLimitAction.allCases.map(\.rawValue))
        overLimit = OverLimitAction(rawValue: action) ?? .drop
        retryAfterSeconds = try Self.positive(configuration, "retry_after", default: 30, upTo: 86_400)
        aorRequestsPerMinute = try configuration.double("aor_requests_per_minute", default: 30, range: 0.1...1_000_000)
        aorBurst = try configuration.double("aor_burst", default: 10, range: 1...1_000_000)
        aorEventKinds = Set(try configuration.eventKinds("aor_event_kinds", default: Self.defaultAOREventKinds))
        let window = try Self.positive(configuration, "window", default: 10, upTo: 3600)
        windowMilliseconds = Int64(window) * 1000
        banAfterWindows = try configuration.int("ban_after_windows", default: 6, range: 1...10_000)
        let within = try Self.positive(configuration, "ban_within", default: 300, upTo: 7 * 86_400)
        guard within >= window * banAfterWindows else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "ban_within", value: configuration.values["ban_within"]?.description ?? "\(within)",
                message: "must span at least ban_after_windows (\(banAfterWindows)) windows of \(window)s, "
                    + "i.e. \(window * banAfterWindows)s, or no source could ever be banned")
        }
        banWithinMilliseconds = Int64(within) * 1000
        banSeconds = try Self.positive(configuration, "ban_time", default: 1800, upTo: 365 * 86_400)
        banRegisteredSources = try configuration.bool("ban_registered_sources", default: false)
        maxSources = try configuration.int("max_sources", default: 100_000, range: 1024...100_000_000)
        maxAORBudgets = try configuration.int("max_aor_budgets", default: 50_000, range: 1024...100_000_000)
    }

    /// A duration that must be at least one second.
    static func positive(
        _ configuration: PolicyConfiguration, _ key: String, default fallback: Int, upTo limit: Int
    ) throws(PolicyConfigurationError) -> Int {
        let seconds = try configuration.duration(key, default: fallback)
        guard (1...limit).contains(seconds) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: key, value: configuration.values[key]?.description ?? "\(seconds)",
                message: "expected a duration from 1s to \(limit)s")
        }
        return seconds
    }
}
