#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The UDP sockets of one listen address: one per receiving event loop, bound to the same
/// address with `SO_REUSEPORT`, so several threads take datagrams off the one address, as
/// Kamailio's UDP workers share theirs.
///
/// The kernel picks the socket of each datagram by a hash of its source address and port, so
/// one source's datagrams always take the same socket and thread, in the order they arrived,
/// as one TCP connection's messages stay on one event loop. That order matters to clients: a
/// random choice (tried, with a BPF program) let a retransmitted REGISTER's fresh 401 overtake
/// the answer to the original, and SIPp aborted thousands of registrations on the unexpected
/// 401. So the work spreads over the threads across sources (phones), and one source's flood
/// occupies one thread, not all. Every socket feeds the same `SIPService`, whose state is
/// shared behind its locks.
///
/// `SO_REUSEPORT` would also let a second daemon of the same user join the address and take
/// part of its traffic. So the address is first bound without it, by a socket closed at once:
/// when anything holds the address that bind fails (`EADDRINUSE`), as a single socket's would.
enum UDPSocketGroup {
    /// Binds `count` sockets (at least 1) to `address` and returns their descriptors, the
    /// first bound first. An ephemeral port (0) is chosen by the first bind and shared by the rest.
    ///
    /// - Throws: `IOError` with the errno of the call the kernel refused.
    static func bind(_ address: SocketAddress, count: Int, ipv6Only: Bool) throws -> [CInt] {
        var descriptors: [CInt] = []
        do {
            var target = address
            if (address.port ?? 0) != 0 {
                let probe = try makeSocket(for: target, reusePort: false, ipv6Only: ipv6Only)
                defer { close(probe) }
                try bindSocket(probe, to: target)
            }
            for index in 0..<max(1, count) {
                let socket = try makeSocket(for: target, reusePort: true, ipv6Only: ipv6Only)
                descriptors.append(socket)
                try bindSocket(socket, to: target)
                if index == 0, (target.port ?? 0) == 0 {
                    guard let local = TrunkEndpoint.local(of: socket) else { throw IOError(errnoCode: errno, reason: "getsockname") }
                    target.port = Int(local.port)
                }
            }
            return descriptors
        } catch {
            for descriptor in descriptors { close(descriptor) }
            throw error
        }
    }

    private static func makeSocket(for address: SocketAddress, reusePort: Bool, ipv6Only: Bool) throws -> CInt {
        let family: CInt
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        default: throw IOError(errnoCode: EAFNOSUPPORT, reason: "socket")
        }
        let socket = Glibc.socket(family, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            if reusePort { try setOption(socket, SOL_SOCKET, SO_REUSEPORT, 1, "setsockopt(SO_REUSEPORT)") }
            if family == AF_INET6, ipv6Only { try setOption(socket, CInt(IPPROTO_IPV6), IPV6_V6ONLY, 1, "setsockopt(IPV6_V6ONLY)") }
        } catch {
            close(socket)
            throw error
        }
        return socket
    }

    private static func setOption(_ socket: CInt, _ level: CInt, _ name: CInt, _ value: CInt, _ what: String) throws {
        var value = value
        guard setsockopt(socket, level, name, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: what)
        }
    }

    private static func bindSocket(_ socket: CInt, to address: SocketAddress) throws {
        let result = address.withSockAddr { pointer, length in Glibc.bind(socket, pointer, socklen_t(length)) }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "bind(descriptor:ptr:bytes:)") }
    }
}
