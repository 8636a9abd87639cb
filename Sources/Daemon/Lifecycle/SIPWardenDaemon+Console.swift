import Configuration
import ConsoleServer
import ControlServer
import Logging
import NIOCore

/// Starting the web console (issue 15) when `console.listen` is set.
extension SIPWardenDaemon {
    /// The console on `console.listen` over the same control service as the socket, or nil
    /// (with a line saying how to turn it on) when it is not configured.
    static func startConsole(
        _ configuration: DaemonConfiguration, control: any ControlService, group: any EventLoopGroup, logger: Logger
    ) async throws -> ConsoleServer? {
        guard let listen = configuration.consoleListen else {
            logger.info("web console off; to serve it, set console.listen: 127.0.0.1:8080 in the configuration and add an account with 'sipwardenctl console user add NAME --role admin'")
            return nil
        }
        do {
            return try await ConsoleServer.start(
                host: listen.host, port: listen.port, control: LocalControl(service: control, logger: logger),
                sessionLifetime: .seconds(configuration.consoleSessionLifetime), group: group, logger: logger)
        } catch {
            throw ListenError(address: "console \(listen)", errno: (error as? IOError)?.errnoCode ?? 0, underlying: "\(error)")
        }
    }
}
