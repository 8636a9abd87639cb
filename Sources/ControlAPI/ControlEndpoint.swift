/// Where a control client talks to the daemon: its Unix socket, or its optional TCP listener
/// (`control.tcp_listen`) with the bearer token that listener requires.
public enum ControlEndpoint: Hashable, Sendable {
    /// The Unix socket at this path.
    case unix(path: String)
    /// The TCP listener.
    case tcp(TCP)

    /// A TCP listener's address and token.
    public struct TCP: Hashable, Sendable {
        /// An IPv4 or IPv6 literal address.
        public var host: String
        /// The port.
        public var port: Int
        /// The bearer token sent with every request.
        public var token: String

        /// Creates a TCP endpoint.
        public init(host: String, port: Int, token: String) {
            self.host = host
            self.port = port
            self.token = token
        }
    }

    /// The environment variable naming the TCP listener for the CLI (`http://127.0.0.1:9479`).
    public static let urlEnvironmentVariable = "SIPWARDEN_URL"
    /// The environment variable holding the bearer token for the CLI.
    public static let tokenEnvironmentVariable = "SIPWARDEN_TOKEN"

    /// Parses `http://HOST:PORT` (IPv6 in brackets; a trailing "/" is allowed); nil otherwise.
    public static func parse(url: String, token: String) -> ControlEndpoint? {
        guard url.hasPrefix("http://") else { return nil }
        var rest = Substring(url.dropFirst("http://".count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains("/"), let port = Int(portText), (1...65535).contains(port) else { return nil }
        return .tcp(TCP(host: host == "localhost" ? "127.0.0.1" : String(host), port: port, token: token))
    }

    /// How messages name the endpoint: the socket path, or the URL.
    public var label: String {
        switch self {
        case .unix(let path): return path
        case .tcp(let tcp): return tcp.host.contains(":") ? "http://[\(tcp.host)]:\(tcp.port)" : "http://\(tcp.host):\(tcp.port)"
        }
    }
}
