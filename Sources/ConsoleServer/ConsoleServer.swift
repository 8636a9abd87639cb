import ControlServer
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The web console: HTML pages on `console.listen`, served by the daemon over its own NIO
/// HTTP stack, acting only through the control API (`LocalControl`).
///
/// ```swift
/// let console = try await ConsoleServer.start(host: "127.0.0.1", port: 8080, control: control,
///                                             sessionLifetime: .seconds(8 * 3600), group: group, logger: logger)
/// ...
/// await console.stop()
/// ```
public final class ConsoleServer: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) { self.channel = channel }

    /// The address actually bound (useful with port 0).
    public var localAddress: SocketAddress? { channel.localAddress }

    /// Binds `host:port` and starts answering.
    public static func start(
        host: String, port: Int, control: LocalControl, sessionLifetime: Duration,
        group: any EventLoopGroup, logger: Logger
    ) async throws -> ConsoleServer {
        let app = ConsoleApp(control: control, sessions: ConsoleSessions(lifetime: sessionLifetime), logger: logger)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 128)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ConsoleHTTPHandler(app: app))
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info("web console listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "\(host):\(port)")"])
        return ConsoleServer(channel: channel)
    }

    /// Stops accepting connections.
    public func stop() async {
        try? await channel.close()
    }
}
