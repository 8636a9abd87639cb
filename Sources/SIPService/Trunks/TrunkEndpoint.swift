import Foundation

/// A resolved UDP destination: its socket address and its text form.
struct TrunkEndpoint: Sendable, Hashable {
    /// The IP address, without brackets.
    let ip: String
    /// The port.
    let port: UInt16

    /// Whether the address is IPv6.
    var isIPv6: Bool { ip.contains(":") }

    /// `ip:port`, IPv6 in brackets.
    var description: String { (isIPv6 ? "[" + ip + "]" : ip) + ":" + String(port) }

    /// Calls `body` with the socket address; nil when `ip` is not an address.
    func withSocketAddress<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, ip, &address.sin6_addr) == 1 else { return nil }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else { return nil }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
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

    /// The endpoint a socket address names; nil for other families.
    static func from(_ storage: UnsafePointer<sockaddr_storage>) -> TrunkEndpoint? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            return storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var raw = address.pointee.sin_addr
                guard inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil else { return nil }
                return TrunkEndpoint(ip: Self.string(text), port: UInt16(bigEndian: address.pointee.sin_port))
            }
        case AF_INET6:
            return storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                var raw = address.pointee.sin6_addr
                guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return nil }
                return TrunkEndpoint(ip: Self.string(text), port: UInt16(bigEndian: address.pointee.sin6_port))
            }
        default:
            return nil
        }
    }

    /// The NUL-terminated text in `buffer`.
    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
