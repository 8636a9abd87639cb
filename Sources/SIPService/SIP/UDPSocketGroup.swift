#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The UDP sockets of one listen address: one per receiving event loop, bound to the same
/// address with `SO_REUSEPORT`, so several threads take datagrams off the one address, as
/// Kamailio's UDP workers share theirs.
///
/// The kernel picks the socket of each datagram with a classic BPF program attached to the
/// group (`SO_ATTACH_REUSEPORT_CBPF`): a random one. Its default, a hash of the source address
/// and port, would give all of one busy source's datagrams (a trunk, a load generator, an
/// attacker's flood) to one thread. Every socket feeds the same `SIPService`, whose state is
/// shared behind its locks, so which socket a datagram takes changes nothing but the thread.
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
                if index == 0, (target.port ?? 0) == 0 { target = try localAddress(of: socket) }
            }
            if descriptors.count > 1 { try attachRandomSelection(descriptors[0], groupSize: descriptors.count) }
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

    private static func localAddress(of socket: CInt) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        let family = CInt(storage.ss_family)
        return try withUnsafeBytes(of: &storage) { bytes in
            switch family {
            case AF_INET: return SocketAddress(bytes.load(as: sockaddr_in.self), host: "")
            case AF_INET6: return SocketAddress(bytes.load(as: sockaddr_in6.self), host: "")
            default: throw IOError(errnoCode: EAFNOSUPPORT, reason: "getsockname")
            }
        }
    }

    /// One instruction of a classic BPF program (`struct sock_filter`).
    private struct Instruction {
        var code: UInt16
        var jumpIfTrue: UInt8 = 0
        var jumpIfFalse: UInt8 = 0
        var operand: UInt32
    }

    /// A classic BPF program (`struct sock_fprog`).
    private struct Program {
        var length: UInt16
        var instructions: UnsafeMutablePointer<Instruction>?
    }

    /// Attaches "return a random index below `groupSize`" to the group `socket` belongs to.
    private static func attachRandomSelection(_ socket: CInt, groupSize: Int) throws {
        let loadWord: UInt16 = 0x00 | 0x00 | 0x20   // BPF_LD | BPF_W | BPF_ABS
        let modulo: UInt16 = 0x04 | 0x90 | 0x00     // BPF_ALU | BPF_MOD | BPF_K
        let returnA: UInt16 = 0x06 | 0x10           // BPF_RET | BPF_A
        let randomOffset = UInt32(bitPattern: -0x1000 + 56)  // SKF_AD_OFF + SKF_AD_RANDOM
        var instructions = [
            Instruction(code: loadWord, operand: randomOffset),
            Instruction(code: modulo, operand: UInt32(groupSize)),
            Instruction(code: returnA, operand: 0),
        ]
        let result = instructions.withUnsafeMutableBufferPointer { buffer -> CInt in
            var program = Program(length: UInt16(buffer.count), instructions: buffer.baseAddress)
            return setsockopt(socket, SOL_SOCKET, 51 /* SO_ATTACH_REUSEPORT_CBPF */, &program, socklen_t(MemoryLayout<Program>.size))
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "setsockopt(SO_ATTACH_REUSEPORT_CBPF)") }
    }
}
