/// One step of `GET /v1/analysis/trend` (`sipwardenctl analysis trend --json`).
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `start` / `start_ms` | string / number | the step's start, RFC 3339 UTC and milliseconds |
/// | `active_bindings` | number or null | live bindings at the end of the step (the last sample in it; null when the daemon was not running) |
/// | `registrations` | number | new bindings (`register.accepted`) |
/// | `refreshes` | number | refreshed bindings (`register.refreshed`) |
/// | `removals` | number | bindings ended: `register.removed`, `register.expired`, `register.forced_out` |
/// | `failures` | number | failed attempts: the kinds in `failures_by_kind` |
/// | `failures_by_kind` | object | failed attempts per event kind (`auth.failed`, `auth.unknown_user`, `auth.stale_nonce`, `acl.denied`, `register.rejected`, `rate.exceeded`) |
/// | `distinct_sources` | number | distinct source addresses of recorded events in the step (for day steps: the busiest hour's) |
/// | `peak_per_second` | number | the most successful REGISTERs (new plus refreshed) in one second of the step |
public struct TrendPoint: Codable, Hashable, Sendable {
    /// The step's start, milliseconds since the Unix epoch.
    public var startMilliseconds: Int64
    /// Live bindings at the end of the step; nil when no sample fell in it.
    public var activeBindings: Int?
    /// New bindings.
    public var registrations: Int
    /// Refreshed bindings.
    public var refreshes: Int
    /// Bindings that ended.
    public var removals: Int
    /// Failed attempts.
    public var failures: Int
    /// Failed attempts per event kind.
    public var failuresByKind: [String: Int]
    /// Distinct source addresses.
    public var distinctSources: Int
    /// The most successful REGISTERs in one second.
    public var peakPerSecond: Int

    /// Creates a step.
    public init(
        startMilliseconds: Int64, activeBindings: Int?, registrations: Int, refreshes: Int, removals: Int, failures: Int,
        failuresByKind: [String: Int], distinctSources: Int, peakPerSecond: Int
    ) {
        self.startMilliseconds = startMilliseconds
        self.activeBindings = activeBindings
        self.registrations = registrations
        self.refreshes = refreshes
        self.removals = removals
        self.failures = failures
        self.failuresByKind = failuresByKind
        self.distinctSources = distinctSources
        self.peakPerSecond = peakPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case start, registrations, refreshes, removals, failures
        case startMilliseconds = "start_ms", activeBindings = "active_bindings", failuresByKind = "failures_by_kind"
        case distinctSources = "distinct_sources", peakPerSecond = "peak_per_second"
    }

    /// Decodes a step (`start` is derived, so ignored).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        startMilliseconds = try c.decode(Int64.self, forKey: .startMilliseconds)
        activeBindings = try c.decodeIfPresent(Int.self, forKey: .activeBindings)
        registrations = try c.decode(Int.self, forKey: .registrations)
        refreshes = try c.decode(Int.self, forKey: .refreshes)
        removals = try c.decode(Int.self, forKey: .removals)
        failures = try c.decode(Int.self, forKey: .failures)
        failuresByKind = try c.decodeIfPresent([String: Int].self, forKey: .failuresByKind) ?? [:]
        distinctSources = try c.decodeIfPresent(Int.self, forKey: .distinctSources) ?? 0
        peakPerSecond = try c.decodeIfPresent(Int.self, forKey: .peakPerSecond) ?? 0
    }

    /// Encodes every key, `active_bindings` as null when unknown.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RFC3339.format(epochSeconds: HistoryEventInfo.floorSeconds(startMilliseconds)), forKey: .start)
        try c.encode(startMilliseconds, forKey: .startMilliseconds)
        try c.encode(activeBindings, forKey: .activeBindings)
        try c.encode(registrations, forKey: .registrations)
        try c.encode(refreshes, forKey: .refreshes)
        try c.encode(removals, forKey: .removals)
        try c.encode(failures, forKey: .failures)
        try c.encode(failuresByKind, forKey: .failuresByKind)
        try c.encode(distinctSources, forKey: .distinctSources)
        try c.encode(peakPerSecond, forKey: .peakPerSecond)
    }

    /// Successful REGISTERs (new plus refreshed) in the step.
    public var successfulRegisters: Int { registrations + refreshes }
}
