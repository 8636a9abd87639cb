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
        let rest = parts[1]
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":"), !rest[..<colon].contains(":") else { return nil }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.init(transport: transport, host: String(host), port: port)
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
