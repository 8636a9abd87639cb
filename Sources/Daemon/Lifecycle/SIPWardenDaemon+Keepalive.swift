import Configuration
import NIOCore
import SIPService

extension SIPWardenDaemon {
    /// Starts the keepalive rounds when `keepalive.enabled` (every `keepalive.interval` seconds).
    static func startKeepalive(service: SIPService, configuration: KeepaliveConfiguration, group: any EventLoopGroup) -> RepeatedTask? {
        guard configuration.enabled else { return nil }
        return group.next().scheduleRepeatedTask(initialDelay: .seconds(configuration.interval), delay: .seconds(configuration.interval)) { _ in
            service.keepaliveRound()
        }
    }
}
