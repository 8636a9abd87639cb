import SIPWardenPolicy

/// The network address a request came from, as seen by the socket (not as claimed in headers):
/// the binary `IPAddress` of the plugin API and a port, so the packet path never formats the
/// peer as text to parse it back (the socket's bytes in, the socket's bytes out).
public struct SourceAddress: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The IP address (IPv4-mapped IPv6 is the IPv4 address, as `IPAddress` has it).
    public var address: IPAddress
    /// The UDP or TCP port.
    public var port: Int

    /// Creates a source address.
    public init(_ address: IPAddress, port: Int) {
        self.address = address
        self.port = port
    }

    /// Parses the address from its text ("192.0.2.1" or "2001:db8::1", no brackets); nil when
    /// it is not an address. For stored rows, configuration and tests, never the packet path.
    public init?(ip: String, port: Int) {
        guard let address = IPAddress(ip) else { return nil }
        self.init(address, port: port)
    }

    /// Whether the address is IPv6.
    public var isIPv6: Bool { address.isIPv6 }

    /// The address as text, without brackets: "192.0.2.1" or "2001:db8::1" (RFC 5952).
    public var ip: String { address.description }

    /// "ip:port", with the IPv6 address in brackets: "[2001:db8::1]:5060".
    public var description: String { isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }

    private enum CodingKeys: String, CodingKey { case ip, port }

    /// Decodes `{"ip": "192.0.2.1", "port": 5060}`, the form the text-holding type had.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .ip)
        guard let address = IPAddress(text) else {
            throw DecodingError.dataCorruptedError(forKey: .ip, in: container, debugDescription: "not an IP address: '\(text)'")
        }
        self.init(address, port: try container.decode(Int.self, forKey: .port))
    }

    /// Encodes `{"ip": "192.0.2.1", "port": 5060}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ip, forKey: .ip)
        try container.encode(port, forKey: .port)
    }
}
