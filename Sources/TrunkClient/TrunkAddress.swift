/// A host (IP literal or name) and port, as written in a Via or a Contact.
public struct TrunkAddress: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The host: an IPv4 literal, an IPv6 literal without brackets, or a name.
    public var host: String
    /// The port.
    public var port: UInt16

    /// Creates an address.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// The host as a URI or Via writes it: IPv6 literals in brackets.
    public var uriHost: String { host.contains(":") ? "[" + host + "]" : host }

    /// `host:port`, IPv6 in brackets.
    public var description: String { uriHost + ":" + String(port) }
}
