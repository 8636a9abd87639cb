import Registrar

/// One socket the daemon listens on: "udp:0.0.0.0:5060", "tcp:[::]:5060".
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// The transport of the socket.
    public var transport: Transport
    /// The address to bind, without brackets ("0.0.0.0", "::", "127.0.0.1").
    public var host: String
    /// The port to bind.
    public var port: Int

    /// Creates a listen address.
    public init(transport: Transport, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    /// Parses "udp:HOST:PORT" or "tcp:HOST:PORT" (IPv6 hosts in brackets); nil if malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let transport = Transport(rawValue: parts[0].uppercased()) else { return nil }
        guard let address = HostPort(parsing: String(parts[1])) else { return nil }
        self.init(transport: transport, host: address.host, port: address.port)
    }

    /// Whether the host is an IPv6 address.
    public var isIPv6: Bool { host.contains(":") }

    /// "udp:0.0.0.0:5060" / "tcp:[::]:5060".
    public var description: String {
        "\(transport.rawValue.lowercased()):\(isIPv6 ? "[\(host)]" : host):\(port)"
    }

    /// The built-in default: UDP and TCP on port 5060 on every IPv4 and IPv6 address.
    public static let defaults: [ListenAddress] = [
        ListenAddress(transport: .udp, host: "0.0.0.0", port: 5060),
        ListenAddress(transport: .tcp, host: "0.0.0.0", port: 5060),
        ListenAddress(transport: .udp, host: "::", port: 5060),
        ListenAddress(transport: .tcp, host: "::", port: 5060),
    ]
}
