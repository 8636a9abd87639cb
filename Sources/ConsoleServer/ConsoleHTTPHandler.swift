import Logging
import NIOCore
import NIOHTTP1

/// The per-connection handler of the console: collects one request (the body capped at
/// `maxBodyBytes`), has the app answer it off the event loop, writes the answer and closes
/// the connection, or for an event stream keeps writing `data:` lines until the browser leaves.
final class ConsoleHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The largest form accepted (a policy file's text is the largest the console sends).
    static let maxBodyBytes = 256 * 1024

    private let app: ConsoleApp
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var refused = false

    init(app: ConsoleApp) { self.app = app }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            body.clear()
        case .body(var chunk):
            guard !refused else { return }
            if body.readableBytes + chunk.readableBytes > Self.maxBodyBytes {
                refused = true
                Self.write(.html(413, "<p>The form is too large.</p>"), version: head?.version ?? .http1_1, channel: context.channel)
                return
            }
            body.writeBuffer(&chunk)
        case .end:
            guard !refused, let head else { return }
            self.head = nil
            let client = context.channel.remoteAddress?.ipAddress ?? "unknown"
            let request = ConsoleRequest(
                method: head.method.rawValue, target: head.uri, body: body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [],
                cookieHeader: head.headers.first(name: "cookie"), client: client)
            let app = self.app
            let channel = context.channel
            let version = head.version
            Task { await ConsoleHTTPHandler.serve(request, app: app, version: version, channel: channel) }
        }
    }

    /// Answers one request, off the event loop.
    private static func serve(_ request: ConsoleRequest, app: ConsoleApp, version: HTTPVersion, channel: any Channel) async {
        let response = await app.respond(request)
        if let stream = response.stream {
            await run(stream, version: version, channel: channel)
        } else {
            write(response, version: version, channel: channel)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The headers every answer carries: no caching of pages, no framing, no sniffing, and only
    /// our own scripts and styles.
    static let securityHeaders: [(String, String)] = [
        ("Cache-Control", "no-store"), ("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    ]

    /// Writes the answer and closes the connection once it is flushed.
    static func write(_ response: ConsoleResponse, version: HTTPVersion, channel: any Channel) {
        var headers = HTTPHeaders()
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in securityHeaders + response.headers { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: version.major == 1 ? version : .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        var buffer = channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if buffer.readableBytes > 0 { channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil) }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Streams Server-Sent Events until the browser goes away or the stream ends; the pause
    /// between payloads is the stream's interval, or three times what the last payload cost.
    static func run(_ stream: ConsoleEventStream, version: HTTPVersion, channel: any Channel) async {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream; charset=utf-8")
        for (name, value) in securityHeaders { headers.add(name: name, value: value) }
        channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: .ok, headers: headers)), promise: nil)
        var last: String?
        var quiet = 0
        while channel.isActive {
            let started = ContinuousClock.now
            guard let payload = await stream.next() else { break }
            // A costly payload (a huge table sorted by a slow column) is asked for less often, so
            // an open page never keeps a core busy.
            let cost = ContinuousClock.now - started
            var text = ""
            if payload != last {
                text = "data: \(payload)\n\n"
                last = payload
                quiet = 0
            } else {
                quiet += 1
                if quiet >= 15 { text = ": keepalive\n\n"; quiet = 0 }
            }
            if !text.isEmpty {
                var buffer = channel.allocator.buffer(capacity: text.utf8.count)
                buffer.writeString(text)
                do { try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer))).get() } catch { break }
            }
            try? await Task.sleep(for: max(stream.interval, cost * 3))
        }
        try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
        try? await channel.close().get()
    }
}
