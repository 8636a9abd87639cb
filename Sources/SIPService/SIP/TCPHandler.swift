import NIOCore
import Registrar
import SIPCore
import SIPWardenPolicy

/// Frames SIP messages out of one TCP connection and answers down the same connection.
///
/// A framing error is unrecoverable on a stream (RFC 3261 §18.3), so the connection closes.
/// Junk is closed too, each closure a `transport.junk` event: a connection beyond the
/// address's `transport.tcp_max_connections_per_source` at accept, and one that has not sent a
/// complete SIP message within `transport.tcp_first_message_timeout` (TLS to the plain port,
/// port scanners, idle sockets piling up).
final class TCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: SIPService
    private var framer: SIPStreamFramer
    private var source: SourceAddress?
    /// Whether `service.tcpSources` counts this connection.
    private var counted = false
    /// Closes the connection unless a complete SIP message arrives first.
    private var firstMessageTimer: Scheduled<Void>?
    private var receivedBytes = 0

    init(service: SIPService, maxMessageSize: Int) {
        self.service = service
        self.framer = SIPStreamFramer(maxMessageSize: maxMessageSize)
    }

    func channelActive(context: ChannelHandlerContext) {
        if let remote = context.remoteAddress, let source = SourceAddress(remote) {
            if !service.admitsConnection(from: source.address) {
                context.close(promise: nil)  // a banned source gets no answer, on streams either
                return
            }
            guard service.tcpSources.open(source.address) else {
                service.recordJunk(source: source, detail: "more than \(service.tcpSources.maximum) connections from this address; closed at accept")
                context.close(promise: nil)
                return
            }
            counted = true
            self.source = source
            service.tcpConnections.opened(context.channel, from: source)
            let timeout = service.tcpFirstMessageTimeout
            if timeout > 0 {
                firstMessageTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(timeout)) { [self] in
                    guard firstMessageTimer != nil else { return }
                    firstMessageTimer = nil
                    service.recordJunk(source: source, detail: "no complete SIP message within \(timeout)s (\(receivedBytes) bytes received)")
                    context.close(promise: nil)
                }
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        firstMessageTimer?.cancel()
        firstMessageTimer = nil
        if let source { service.tcpConnections.closed(context.channel, from: source) }
        if counted, let source { service.tcpSources.close(source.address) }
        counted = false
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let source else { return }
        let buffer = unwrapInboundIn(data)
        receivedBytes += buffer.readableBytes
        buffer.withUnsafeReadableBytes { framer.append($0) }
        let channel = context.channel
        let sender: SIPService.Sender = { bytes, _ in
            // On the loop the write is flushed in channelReadComplete; from the committer's
            // thread it must flush itself.
            if channel.eventLoop.inEventLoop {
                channel.write(channel.allocator.buffer(bytes: bytes), promise: nil)
            } else {
                channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
            }
        }
        while true {
            let frame: SIPStreamFramer.Frame?
            do { frame = try framer.nextFrame() } catch {
                service.rejectMalformed(error, source: source, transport: .tcp, send: sender)
                context.close(promise: nil)
                return
            }
            switch frame {
            case nil: return
            case .keepalive:
                // RFC 5626 §4.4.1: a double-CRLF ping is answered with a single CRLF pong.
                sender([13, 10], source)
            case .message(let bytes):
                if let timer = firstMessageTimer {
                    timer.cancel()
                    firstMessageTimer = nil
                }
                bytes.withUnsafeBytes { service.process($0, source: source, transport: .tcp, send: sender) }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
