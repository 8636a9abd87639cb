import Configuration
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// Opens the SIP sockets of `listen`: a UDP socket or a TCP listener whose every datagram or
/// framed message goes to a `SIPService`.
public enum SIPListener {
    /// Binds `address` on `group` and feeds what arrives to `service`, with the message size
    /// and TCP idle timeout of `configuration`: a TCP listener, or for UDP one socket per event
    /// loop (`transport.udp_sockets`) sharing the address. The first UDP socket also carries the
    /// keepalive probes.
    ///
    /// - Throws: NIO's error for a bind that fails (`IOError` with the errno when the kernel refused).
    public static func open(
        _ address: ListenAddress, service: SIPService, configuration: DaemonConfiguration, group: any EventLoopGroup
    ) async throws -> [any Channel] {
        let ipv6Only = ChannelOptions.Types.SocketOption(level: .init(rawValue: CInt(IPPROTO_IPV6)), name: .init(rawValue: CInt(IPV6_V6ONLY)))
        switch address.transport {
        case .udp:
            let slot = max(configuration.maxMessageSize, 65536)
            // One socket per event loop (`transport.udp_sockets`), all on the address; no
            // SO_REUSEADDR: on UDP it would let a second daemon bind the address and take the
            // traffic; the bind must fail instead (see UDPSocketGroup).
            let loops = Array(group.makeIterator())
            let count = configuration.udpSockets == 0 ? loops.count : configuration.udpSockets
            let target = try SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
            let descriptors = try UDPSocketGroup.bind(target, count: count, ipv6Only: address.isIPv6)
            var channels: [any Channel] = []
            do {
                for (index, descriptor) in descriptors.enumerated() {
                    let bootstrap = DatagramBootstrap(group: loops[index % loops.count])
                        .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
                        .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: slot * 16))
                        .channelOption(.datagramVectorReadMessageCount, value: 16)
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UDPHandler(service: service)) }
                        }
                    channels.append(try await bootstrap.withBoundSocket(descriptor).get())
                }
            } catch {
                for channel in channels { try? await channel.close() }
                for descriptor in descriptors.dropFirst(channels.count) { close(descriptor) }
                throw error
            }
            service.keepalive.addUDPListener(channels[0])  // keepalive probes leave from the first socket
            return channels
        case .tcp:
            let idle = TimeAmount.seconds(configuration.tcpIdleTimeout)
            let maxMessageSize = configuration.maxMessageSize
            var bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                // SO_REUSEADDR on TCP only skips TIME_WAIT after a restart; Linux still refuses
                // a second listener on the address.
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(TCPHandler(service: service, maxMessageSize: maxMessageSize))
                    }
                }
            if address.isIPv6 { bootstrap = bootstrap.serverChannelOption(ipv6Only, value: 1) }
            return [try await bootstrap.bind(host: address.host, port: address.port).get()]
        }
    }
}
