#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import Registrar
import SIPWardenPolicy

extension IPAddress {
    /// The address of a socket peer, read from its bytes (no detour through text, which the
    /// packet path would otherwise format and parse again for every datagram).
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(ipv4: UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            self.init(v6.address.sin6_addr)
        case .unixDomainSocket:
            return nil
        }
    }

    /// An IPv6 socket address's 16 bytes (network order) as an address.
    init(_ raw: in6_addr) {
        var raw = raw
        let (high, low) = withUnsafeBytes(of: &raw) { bytes in
            (UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        self.init(ipv6High: high, low: low)
    }
}

extension SourceAddress {
    /// The peer of a socket (nil for a Unix-domain socket), from its bytes.
    init?(_ address: SocketAddress) {
        guard let ip = IPAddress(address), let port = address.port else { return nil }
        self.init(ip, port: port)
    }
}

extension SocketAddress {
    /// The socket address of `destination`, built from its bytes (no text parsed).
    init(_ destination: SourceAddress) {
        self.init(destination.address, port: destination.port)
    }

    /// The socket address of `address` and `port`, built from the address's bytes.
    init(_ address: IPAddress, port: Int) {
        let port = UInt16(truncatingIfNeeded: port).bigEndian
        if let (high, low) = address.ipv6Value {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port
            withUnsafeMutableBytes(of: &v6.sin6_addr) { bytes in
                bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
                bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            self.init(v6, host: "")
        } else {
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port
            v4.sin_addr.s_addr = (address.ipv4Value ?? 0).bigEndian
            self.init(v4, host: "")
        }
    }
}
