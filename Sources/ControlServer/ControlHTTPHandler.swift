import ControlAPI
import Logging
import NIOCore
import NIOHTTP1

/// The per-connection handler of the control server: collects one request (head and body,
/// the body capped at `maxBodyBytes`), hands it to the dispatcher off the event loop, writes
/// the answer and closes the connection.
final class ControlHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Collecting the body of this request into `body`.
        case receiving(HTTPRequestHead)
        /// A request is being answered (or was refused); anything more is ignored.
        case answering
    }

    private let dispatcher: ControlDispatcher
    private let maxBodyBytes: Int
    private let logger: Logger
    /// The token a request must carry as `Authorization: Bearer ...` (the TCP listener); nil
    /// on the Unix socket, where the file mode decides who may connect.
    private let bearerToken: [UInt8]?
    private var state = State.idle
    /// The body collected so far (kept outside `state` so appending never copies it).
    private var body = ByteBuffer()

    /// Creates a handler for one connection.
    init(dispatcher: ControlDispatcher, maxBodyBytes: Int, logger: Logger, bearerToken: String? = nil) {
        self.bearerToken = bearerToken.map { Array($0.utf8) }
        self.dispatcher = dispatcher
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            if let bearerToken, !BearerToken.matches(head.headers.first(name: "authorization"), token: bearerToken) {
                state = .answering
                logger.notice("control request refused: missing or wrong bearer token", metadata: ["target": "\(head.uri)"])
                var reply = ControlDispatcher.error(
                    401, "this control listener needs 'Authorization: Bearer <token>' with the daemon's token",
                    hint: "give sipwardenctl --token-file FILE (or $SIPWARDEN_TOKEN) with the contents of control.token_file")
                reply.headers.append(("WWW-Authenticate", "Bearer"))
                write(reply, version: head.version, channel: context.channel)
                return
            }
            let declared = head.headers.first(name: "content-length").flatMap(Int.init) ?? 0
            if declared > maxBodyBytes {
                refuseTooLarge(context: context, head: head)
                return
            }
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
            body = context.channel.allocator.buffer(capacity: min(max(declared, 0), maxBodyBytes))
            state = .receiving(head)
        case (.body(var chunk), .receiving(let head)):
            guard body.readableBytes + chunk.readableBytes <= maxBodyBytes else {
                refuseTooLarge(context: context, head: head)
                return
            }
            body.writeBuffer(&chunk)
        case (.end, .receiving(let head)):
            state = .answering
            let collected = body
            body = ByteBuffer()
            dispatch(head: head, body: collected, channel: context.channel)
        case (_, .answering):
            break
        case (.head, .receiving), (.body, .idle), (.end, .idle):
            state = .answering
            write(ControlDispatcher.error(400, "malformed request framing"), version: .http1_1, channel: context.channel)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("control connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func refuseTooLarge(context: ChannelHandlerContext, head: HTTPRequestHead) {
        state = .answering
        body = ByteBuffer()
        logger.warning(
            "control request refused: body too large",
            metadata: ["target": "\(head.uri)", "limit": "\(maxBodyBytes)"])
        let reply = ControlDispatcher.error(
            413, "the request body is larger than the control server's limit of \(maxBodyBytes) bytes",
            hint: "split the import into smaller files, or raise the daemon's control body limit")
        write(reply, version: head.version, channel: context.channel)
    }

    private func dispatch(head: HTTPRequestHead, body: ByteBuffer, channel: any Channel) {
        let request = PendingRequest(
            method: head.method.rawValue, target: head.uri, version: head.version,
            body: body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [])
        let dispatcher = self.dispatcher
        let logger = self.logger
        Task {
            let caller = await ControlCaller.identify(channel)
            await ControlHTTPHandler.answer(request, caller: caller, dispatcher: dispatcher, logger: logger, channel: channel)
        }
    }

    /// A complete request, ready to leave the event loop.
    private struct PendingRequest: Sendable {
        var method: String
        var target: String
        var version: HTTPVersion
        var body: [UInt8]
    }

    private static func answer(
        _ request: PendingRequest, caller: String, dispatcher: ControlDispatcher, logger: Logger, channel: any Channel
    ) async {
        let started = ContinuousClock.now
        let reply = await dispatcher.respond(method: request.method, target: request.target, body: request.body, caller: caller)
        logger.debug(
            "control request",
            metadata: [
                "method": "\(request.method)", "target": "\(request.target)", "status": "\(reply.status)",
                "duration": "\(ContinuousClock.now - started)",
            ])
        write(reply, version: request.version, channel: channel)
    }

    private func write(_ reply: ControlReply, version: HTTPVersion, channel: any Channel) {
        Self.write(reply, version: version, channel: channel)
    }

    /// Writes the answer and closes the connection once it is flushed.
    private static func write(_ reply: ControlReply, version: HTTPVersion, channel: any Channel) {
        var headers = HTTPHeaders()
        headers.add(name: "Connection", value: "close")
        if reply.status != 204 {
            headers.add(name: "Content-Type", value: ControlJSON.contentType)
            headers.add(name: "Content-Length", value: String(reply.body.count))
        }
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(
            version: version.major == 1 ? version : .http1_1, status: HTTPResponseStatus(statusCode: reply.status),
            headers: headers)
        var buffer = channel.allocator.buffer(capacity: reply.body.count)
        buffer.writeBytes(reply.body)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if reply.status != 204, buffer.readableBytes > 0 {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
