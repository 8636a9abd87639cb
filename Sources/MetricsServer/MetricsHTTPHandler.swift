import ControlAPI
import Logging
import NIOCore
import NIOHTTP1

/// One metrics connection: answers `GET /metrics`, 404 elsewhere, 405 for other methods.
final class MetricsHTTPHandler: ChannelInboundHandler, Sendable {
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
