import Logging
import SIPWardenPolicy

/// What plugins may ask the daemon: logging through the daemon's logger, trusted ranges, how
/// many live bindings an address holds (so an office behind one NAT gets a larger budget), and
/// the time.
final class DaemonPolicyHost: PolicyHost {
    private let logger: Logger
    private let trusted: [IPRange]
    private let bindingCount: @Sendable (String) -> Int

    init(logger: Logger, trusted: [IPRange], bindingCount: @escaping @Sendable (String) -> Int) {
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

    func isTrusted(_ address: IPAddress) -> Bool { trusted.contains { $0.contains(address) } }

    func liveBindingCount(from address: IPAddress) -> Int { bindingCount(address.description) }

    func nowMilliseconds() -> Int64 { SystemClock.now().milliseconds }
}
