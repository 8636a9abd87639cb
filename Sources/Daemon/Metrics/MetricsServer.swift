import ControlAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The Prometheus endpoint: `GET /metrics` on `metrics.listen` (loopback unless allowed
/// otherwise), answered from the same figures as `sipwardenctl stats`.
final class MetricsServer: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) { self.channel = channel }

    /// Binds `address` and serves `stats()` as Prometheus text.
    static func start(
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
    func stop() async { try? await channel.close() }
}

/// One metrics connection: answers `GET /metrics`, 404 elsewhere, 405 for other methods.
private final class MetricsHTTPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let exporter: PrometheusExporter
    private let stats: @Sendable () async throws -> StatsInfo
    private let logger: Logger

    init(exporter: PrometheusExporter, stats: @escaping @Sendable () async throws -> StatsInfo, logger: Logger) {
        self.exporter = exporter
        self.stats = stats
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let channel = context.channel
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == "/metrics" else {
            Self.write(channel, status: .notFound, contentType: "text/plain", body: "not found: the metrics are at /metrics\n")
            return
        }
        guard head.method == .GET || head.method == .HEAD else {
            Self.write(channel, status: .methodNotAllowed, contentType: "text/plain", body: "use GET /metrics\n")
            return
        }
        let exporter = self.exporter
        let stats = self.stats
        let logger = self.logger
        Task {
            do {
                let text = exporter.exposition(of: try await stats())
                Self.write(channel, status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text)
            } catch {
                logger.error("metrics scrape failed", metadata: ["error": "\(error)"])
                Self.write(channel, status: .internalServerError, contentType: "text/plain", body: "scrape failed: \(error)\n")
            }
        }
    }

    private static func write(_ channel: any Channel, status: HTTPResponseStatus, contentType: String, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        var buffer = channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
    }
}
