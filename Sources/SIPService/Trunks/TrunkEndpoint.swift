import Foundation
import NIOCore
import SIPWardenPolicy

/// A resolved UDP or TCP destination: the binary address (the plugin API's `IPAddress`, the
/// daemon's one address type and parser) and a port; the socket address is built from it.
struct TrunkEndpoint: Sendable, Hashable {
    /// The IP address.
    let address: IPAddress
    /// The port.
    let port: UInt16

    /// An endpoint at `address`.
    init(_ address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// Parses an IP literal without brackets; nil when `ip` is not an address.
    init?(ip: String, port: UInt16) {
        guard let address = IPAddress(ip) else { return nil }
        self.init(address, port: port)
    }

    /// The IP address as text, without brackets (RFC 5952 for IPv6).
    var ip: String { address.description }

    /// Whether the address is IPv6.
    var isIPv6: Bool { address.isIPv6 }

    /// Whether the address is 0.0.0.0 or ::.
    var isWildcard: Bool { address == IPAddress(ipv4: 0) || address == IPAddress(ipv6High: 0, low: 0) }

    /// `ip:port`, IPv6 in brackets.
    var description: String { (isIPv6 ? "[" + ip + "]" : ip) + ":" + String(port) }

    /// Calls `body` with the socket address.
    func withSocketAddress<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        SocketAddress(address, port: Int(port)).withSockAddr { body($0, socklen_t($1)) }
    }

    /// The address socket `fd` is bound to (`getsockname`); nil when it cannot be read.
    static func local(of fd: Int32) -> TrunkEndpoint? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        return withUnsafePointer(to: &storage) { from($0) }
    }

    /// The endpoint a socket address names, read from its bytes; nil for other families.
    static func from(_ storage: UnsafePointer<sockaddr_storage>) -> TrunkEndpoint? {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            return storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { socket in
                TrunkEndpoint(IPAddress(ipv4: UInt32(bigEndian: socket.pointee.sin_addr.s_addr)), port: UInt16(bigEndian: socket.pointee.sin_port))
            }
        case AF_INET6:
            return storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { socket in
                TrunkEndpoint(IPAddress(socket.pointee.sin6_addr), port: UInt16(bigEndian: socket.pointee.sin6_port))
            }
        default:
            return nil
        }
    }
}
