import SIPWardenPolicy
import Synchronization

/// The `bruteforce` plugin: authentication failures per source address ban it (escalating on
/// repeat offences), and password sprays against one account from many addresses ban each of
/// them and raise an alert. See ``BruteForcePolicy``.
public final class BruteForcePlugin: PolicyPlugin {
    /// "bruteforce".
    public let name = "bruteforce"
    /// The plugin's version.
    public let version = "1.0.0"

    private let policy: Mutex<BruteForcePolicy>

    /// Creates the plugin from its policy file's settings.
    public init(configuration: PolicyConfiguration, host: any PolicyHost) throws(PolicyConfigurationError) {
        policy = Mutex(BruteForcePolicy(settings: try BruteForceSettings(configuration), host: host))
    }

    /// Counts failures and successes; may ban and alert.
    public func handle(_ event: SecurityEvent) throws -> [Decision] {
        policy.withLock { $0.handle(event) }
    }

    /// Forgets expired state.
    public func tick(nowMilliseconds now: Int64) throws -> [Decision] {
        policy.withLock { $0.tick(now: now) }
    }

    /// The settings in force (tests).
    var settings: BruteForceSettings { policy.withLock { $0.settings } }

    /// Addresses and accounts tracked (tests, statistics).
    var tracked: (sources: Int, accounts: Int, registrations: Int) {
        policy.withLock { ($0.sources.count, $0.accounts.count, $0.registrations.count) }
    }
}
