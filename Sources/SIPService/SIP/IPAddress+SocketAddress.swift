import NIOCore
import SIPWardenPolicy

extension IPAddress {
    /// The address of a socket peer, read from its bytes (no detour through text, which the
    /// packet path would otherwise format and parse again for every datagram).
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(ipv4: UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        case .unixDomainSocket:
            return nil
        }
    }
}
