import Configuration
import NIOCore
import SIPService

extension SIPWardenDaemon {
    /// Starts the keepalive rounds when `keepalive.enabled` (every `keepalive.interval`
    /// seconds), on `background`: a round scans every live binding.
    static func startKeepalive(
        service: SIPService, configuration: KeepaliveConfiguration, group: any EventLoopGroup, background: BackgroundWork
    ) -> RepeatedTask? {
        guard configuration.enabled else { return nil }
        return background.repeatedly(every: .seconds(configuration.interval), on: group.next()) {
            service.keepaliveRound()
        }
    }
}
