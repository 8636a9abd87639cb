import Configuration
import ControlAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Prometheus endpoint: `GET /metrics` on `metrics.listen` (loopback unless allowed
/// otherwise), answered from the same figures as `sipwardenctl stats`.
public final class MetricsServer: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) { self.channel = channel }

    /// Binds `address` and serves `stats()` as Prometheus text.
    public static func start(
        address: HostPort, group: any EventLoopGroup, logger: Logger, stats: @escaping @Sendable () async throws -> StatsInfo
    ) async throws -> MetricsServer {
        let exporter = PrometheusExporter()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(exporter: exporter, stats: stats, logger: logger))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
        logger.info("Prometheus metrics served", metadata: ["address": "\(address)", "path": "/metrics"])
        return MetricsServer(channel: channel)
    }

    /// Stops listening.
    public func stop() async { try? await channel.close() }
}
