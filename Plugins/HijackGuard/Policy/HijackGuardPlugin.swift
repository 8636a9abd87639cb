import SIPWardenPolicy
import Synchronization

/// The `hijack` plugin: an AOR with live bindings registering from a network none of them
/// came from raises `hijack.suspected` (on the next tick) and an alert, and is optionally
/// refused. See ``HijackPolicy``.
public final class HijackGuardPlugin: PolicyPlugin {
    /// "hijack".
    public let name = "hijack"
    /// The plugin's version.
    public let version = "1.0.0"

    /// The settings in force.
    let settings: HijackSettings
    private let host: any PolicyHost
    private let policy: Mutex<HijackPolicy>

    /// Creates the plugin from its policy file's settings.
    public init(configuration: PolicyConfiguration, host: any PolicyHost) throws(PolicyConfigurationError) {
        let settings = try HijackSettings(configuration)
        self.settings = settings
        self.host = host
        policy = Mutex(HijackPolicy(settings: settings))
    }

    /// Notes (and with `refuse: true` refuses) a REGISTER from a new network. Trusted sources
    /// (the operator's own networks) are never suspected.
    public func review(_ attempt: RegisterAttempt) -> Review {
        guard let network = HijackPolicy.suspiciousNetwork(attempt, settings: settings), !host.isTrusted(attempt.source)
        else { return .allow }
        policy.withLock { $0.record(attempt, network: network) }
        return settings.refuse ? .refuse(status: settings.status, reason: settings.reason) : .allow
    }

    /// Takes its own reports back once the host recorded them, to alert with their ids; other
    /// events need nothing from this plugin (it works on reviews, and never bans).
    public func handle(_ event: SecurityEvent) throws -> [Decision] {
        policy.withLock { $0.handle(event) }
    }

    /// Reports the suspicions queued since the last tick; alerts on reports not handed back in time.
    public func tick(nowMilliseconds now: Int64) throws -> [Decision] {
        policy.withLock { $0.tick(now: now) }
    }

    /// Reports waiting and (AOR, network) pairs remembered (tests, statistics).
    var tracked: (pending: Int, reported: Int, awaiting: Int) {
        policy.withLock { ($0.pending.count, $0.reported.count, $0.awaiting.count) }
    }
}
