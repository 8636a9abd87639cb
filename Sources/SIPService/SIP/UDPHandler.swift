import NIOCore
import Registrar
import SIPWardenPolicy

/// Receives SIP datagrams and sends their responses back out of the same socket.
final class UDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let service: SIPService
    private var sender: DatagramSender?

    init(service: SIPService) { self.service = service }

    func handlerAdded(context: ChannelHandlerContext) {
        sender = DatagramSender(channel: context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let remote = envelope.remoteAddress
        guard let sender, let source = SourceAddress(remote) else { return }
        envelope.data.withUnsafeReadableBytes { bytes in
            service.process(bytes, source: source, transport: .udp) { response, destination in
                // Replies to the datagram's source reuse its socket address: no text round trip.
                sender.send(response, to: destination, known: destination == source ? remote : nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        sender?.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like surface here for UDP; the socket stays usable.
    }
}
