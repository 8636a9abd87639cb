#if canImport(Glibc)
import Glibc
#endif

/// A listen address that could not be opened: in use, not an address of this host, or a
/// privileged port. `sipwarden` exits 2 with this message (like a bad configuration: the
/// operator has to change the address or stop what holds it).
public struct ListenError: Error, CustomStringConvertible, Sendable {
    /// The address that failed ("udp:127.0.0.1:5060").
    public var address: String
    /// The errno of the failed bind, 0 when unknown.
    public var errno: Int32
    /// The underlying error as text.
    public var underlying: String

    /// Creates an error.
    public init(address: String, errno: Int32, underlying: String) {
        self.address = address
        self.errno = errno
        self.underlying = underlying
    }

    /// Whether the address is already bound by another socket (another daemon).
    public var isAddressInUse: Bool { errno == EADDRINUSE }

    /// "udp:127.0.0.1:5460: address already in use — another sipwarden or SIP server is running there?"
    public var description: String {
        switch errno {
        case EADDRINUSE: "\(address): address already in use — another sipwarden or SIP server is running there?"
        case EADDRNOTAVAIL: "\(address): address not available — it is not an address of this host; check `listen`"
        case EACCES: "\(address): permission denied — ports below 1024 need root or CAP_NET_BIND_SERVICE"
        default: "\(address): cannot listen: \(underlying)"
        }
    }
}
