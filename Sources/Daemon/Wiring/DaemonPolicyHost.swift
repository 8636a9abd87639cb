import Logging
import SIPService
import SIPWardenPolicy

/// What plugins may ask the daemon: logging through the daemon's logger, trusted ranges, how
/// many live bindings an address holds (so an office behind one NAT gets a larger budget), and
/// the time. Every function may be called from any plugin call (`admit`, `review`, `handle`,
/// `tick`, the plugin's initializer) on any thread: none of them runs while the daemon holds a
/// lock a host function takes (PolicyPlugin's threading rules).
final class DaemonPolicyHost: PolicyHost {
    private let logger: Logger
    private let trusted: @Sendable (IPAddress) -> Bool
    private let bindingCount: @Sendable (IPAddress) -> Int

    /// `trusted` answers from the ranges in force (configuration and `sipwardenctl trusted`).
    init(logger: Logger, trusted: @escaping @Sendable (IPAddress) -> Bool, bindingCount: @escaping @Sendable (IPAddress) -> Int) {
        self.logger = logger
        self.trusted = trusted
        self.bindingCount = bindingCount
    }

    func log(_ level: PolicyLogLevel, _ message: String) {
        switch level {
        case .debug: logger.debug("\(message)")
        case .info: logger.info("\(message)")
        case .warning: logger.warning("\(message)")
        case .error: logger.error("\(message)")
        }
    }

    func isTrusted(_ address: IPAddress) -> Bool { trusted(address) }

    func liveBindingCount(from address: IPAddress) -> Int { bindingCount(address) }

    func nowMilliseconds() -> Int64 { SystemClock.now().milliseconds }
}
