import SIPWardenPolicy
import Synchronization

/// The `allowlist` plugin: refuses REGISTERs from outside a phone's allowed ranges with 403
/// and bans addresses that keep trying. See ``AllowlistPolicy``.
public final class AllowlistGuardPlugin: PolicyPlugin {
    /// "allowlist".
    public let name = "allowlist"
    /// The plugin's version.
    public let version = "1.0.0"

    /// The settings in force.
    let settings: AllowlistSettings
    private let host: any PolicyHost
    private let policy: Mutex<AllowlistPolicy>

    /// Creates the plugin from its policy file's settings.
    public init(configuration: PolicyConfiguration, host: any PolicyHost) throws(PolicyConfigurationError) {
        let settings = try AllowlistSettings(configuration)
        self.settings = settings
        self.host = host
        policy = Mutex(AllowlistPolicy(settings: settings, host: host))
    }

    /// Refuses a REGISTER from outside the phone's allowed ranges.
    public func review(_ attempt: RegisterAttempt) -> Review {
        AllowlistPolicy.review(attempt, settings: settings, host: host)
    }

    /// Counts denials; may ban.
    public func handle(_ event: SecurityEvent) throws -> [Decision] {
        policy.withLock { $0.handle(event) }
    }

    /// Forgets expired state.
    public func tick(nowMilliseconds now: Int64) throws -> [Decision] {
        policy.withLock { $0.tick(now: now) }
    }

    /// Addresses tracked (tests, statistics).
    var trackedSources: Int { policy.withLock { $0.sources.count } }
}
