import SIPWardenPolicy
import Synchronization

/// The `ratelimit` plugin: token buckets per source address on the admission hot path (with a
/// larger budget for sources holding live authenticated bindings) and per (source, AOR) from
/// REGISTER events; `rate.exceeded` is reported at most once per window per source, and
/// sustained excess escalates to a ban.
public final class RateLimitPlugin: PolicyPlugin {
    /// "ratelimit".
    public let name = "ratelimit"
    /// The plugin's version.
    public let version = "1.0.0"
    /// Always: this plugin lives on the admission path.
    public var wantsAdmission: Bool { true }

    private let host: any PolicyHost
    private let limiter: AdmissionLimiter
    private let overLimit: Admission
    private let policy: Mutex<RateLimitPolicy>
    private let sweepCursor = Atomic<Int>(0)

    /// Creates the plugin from its policy file's settings.
    public init(configuration: PolicyConfiguration, host: any PolicyHost) throws(PolicyConfigurationError) {
        let settings = try RateLimitSettings(configuration)
        self.host = host
        limiter = AdmissionLimiter(settings: settings, now: host.nowMilliseconds())
        overLimit = settings.overLimit == .drop ? .drop : .reject(retryAfterSeconds: settings.retryAfterSeconds)
        policy = Mutex(RateLimitPolicy(settings: settings, host: host))
    }

    /// Accepts a packet within its source's budget; over it, drops or rejects (503).
    public func admit(_ packet: PacketInfo) -> Admission {
        limiter.admit(packet, now: host.nowMilliseconds(), host: host) ? .accept : overLimit
    }

    /// Charges REGISTER events to their (source, AOR) budget.
    public func handle(_ event: SecurityEvent) throws -> [Decision] {
        policy.withLock { $0.handle(event) }
    }

    /// Reports and escalates the hot path's excess; evicts idle buckets, one shard per tick.
    public func tick(nowMilliseconds now: Int64) throws -> [Decision] {
        let (sightings, dropped) = limiter.drainSightings()
        let cursor = sweepCursor.add(1, ordering: .relaxed).oldValue
        limiter.sweep(shard: cursor, now: now)
        return policy.withLock { $0.tick(now: now, sightings: sightings, dropped: dropped) }
    }

    /// Sources tracked by the admission table (tests, statistics).
    var trackedSources: Int { limiter.trackedSources }

    /// (Source, AOR) budgets tracked (tests, statistics).
    var trackedAORBudgets: Int { policy.withLock { $0.aorBudgets.count } }

    /// The settings in force (tests).
    var settings: RateLimitSettings { policy.withLock { $0.settings } }

    /// Offenders tracked (tests, statistics).
    var trackedOffenders: Int { policy.withLock { $0.offenders.count } }
}
