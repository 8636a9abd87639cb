import NIOCore
import Registrar

/// Receives SIP datagrams and sends their responses back out of the same socket.
final class UDPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let service: SIPService

    init(service: SIPService) { self.service = service }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let ip = envelope.remoteAddress.ipAddress, let port = envelope.remoteAddress.port else { return }
        let source = SourceAddress(ip: ip, port: port)
        let channel = context.channel
        envelope.data.withUnsafeReadableBytes { bytes in
            service.process(bytes, source: source, transport: .udp) { response, destination in
                Self.send(response, to: destination, on: channel)
            }
        }
    }

    static func send(_ bytes: [UInt8], to destination: SourceAddress, on channel: Channel) {
        guard let address = try? SocketAddress(ipAddress: destination.ip, port: destination.port) else { return }
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like surface here for UDP; the socket stays usable.
    }
}
