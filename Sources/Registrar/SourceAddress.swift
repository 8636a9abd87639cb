/// The network address a request came from, as seen by the socket (not as claimed in headers).
public struct SourceAddress: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The textual IP address, without brackets: "192.0.2.1" or "2001:db8::1".
    public var ip: String
    /// The UDP or TCP port.
    public var port: Int

    /// Creates a source address.
    public init(ip: String, port: Int) {
        self.ip = ip
        self.port = port
    }

    /// Whether the address is IPv6 (contains a colon).
    public var isIPv6: Bool { ip.contains(":") }

    /// "ip:port", with the IPv6 address in brackets: "[2001:db8::1]:5060".
    public var description: String { isIPv6 ? "[\(ip)]:\(port)" : "\(ip):\(port)" }
}
