import Logging
import SIPWardenPolicy

/// The ``PolicyHost`` one plugin sees: the daemon's host, with log lines going to the daemon's
/// logger tagged with the plugin's name (plugins never bring their own logging).
final class PluginScopedHost: PolicyHost {
    private let base: any PolicyHost
    private let plugin: String
    private let logger: Logger

    init(base: any PolicyHost, plugin: String, logger: Logger) {
        self.base = base
        self.plugin = plugin
        self.logger = logger
    }

    func log(_ level: PolicyLogLevel, _ message: String) {
        let mapped: Logger.Level = switch level {
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
        logger.log(level: mapped, "\(message)", metadata: ["plugin": "\(plugin)"])
    }

    func isTrusted(_ address: IPAddress) -> Bool { base.isTrusted(address) }
    func liveBindingCount(from address: IPAddress) -> Int { base.liveBindingCount(from: address) }
    func nowMilliseconds() -> Int64 { base.nowMilliseconds() }
}
