import SIPWardenPolicy
import Synchronization

/// The `scanner` plugin: bans known scanners at their first request, by User-Agent or by an
/// extension sweep, and sources of steady malformed traffic; reports `scanner.detected`.
/// See ``ScannerPolicy``.
public final class ScannerBlockPlugin: PolicyPlugin {
    /// "scanner".
    public let name = "scanner"
    /// The plugin's version.
    public let version = "1.0.0"

    private let policy: Mutex<ScannerPolicy>

    /// Creates the plugin from its policy file's settings.
    public init(configuration: PolicyConfiguration, host: any PolicyHost) throws(PolicyConfigurationError) {
        policy = Mutex(ScannerPolicy(settings: try ScannerSettings(configuration), host: host))
    }

    /// Looks for scanners.
    public func handle(_ event: SecurityEvent) throws -> [Decision] {
        policy.withLock { $0.handle(event) }
    }

    /// Forgets expired state.
    public func tick(nowMilliseconds now: Int64) throws -> [Decision] {
        policy.withLock { $0.tick(now: now) }
    }

    /// Addresses tracked (tests, statistics).
    var tracked: (banned: Int, sweeps: Int, garbage: Int) {
        policy.withLock { ($0.banned.count, $0.sweeps.count, $0.garbage.count) }
    }

    /// The settings in force (tests).
    var settings: ScannerSettings { policy.withLock { $0.settings } }
}
