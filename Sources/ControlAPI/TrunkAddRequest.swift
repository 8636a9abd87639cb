/// The body of `POST /v1/trunks`: a new outbound registration.
///
/// JSON keys: `name`, `registrar` (`sip:HOST[:PORT]`), `username`, `password`, and optional
/// `auth_username`, `realm`, `transport` (`udp`, the default, or `tcp`), `expires` (seconds,
/// default 3600), `contact_user`, `outbound_proxy` (`sip:HOST[:PORT]`), `enabled` (default true).
public struct TrunkAddRequest: Codable, Hashable, Sendable {
    public var name: String
    public var registrar: String
    public var username: String
    public var password: String
    public var authUsername: String?
    public var realm: String?
    public var transport: String?
    public var expires: Int?
    public var contactUser: String?
    public var outboundProxy: String?
    public var enabled: Bool?

    /// Creates a request.
    public init(
        name: String, registrar: String, username: String, password: String, authUsername: String? = nil, realm: String? = nil,
        transport: String? = nil, expires: Int? = nil, contactUser: String? = nil, outboundProxy: String? = nil, enabled: Bool? = nil
    ) {
        self.name = name
        self.registrar = registrar
        self.username = username
        self.password = password
        self.authUsername = authUsername
        self.realm = realm
        self.transport = transport
        self.expires = expires
        self.contactUser = contactUser
        self.outboundProxy = outboundProxy
        self.enabled = enabled
    }

    private enum CodingKeys: String, CodingKey {
        case name, registrar, username, password
        case authUsername = "auth_username"
        case realm, transport, expires
        case contactUser = "contact_user"
        case outboundProxy = "outbound_proxy"
        case enabled
    }

    /// What is wrong with the request before the daemon parses the URIs, or nil.
    public func validationProblem() -> String? {
        if let problem = Self.nameProblem(name) { return problem }
        if password.isEmpty { return "the password is empty" }
        for (key, value) in [("username", username), ("auth_username", authUsername ?? "x"), ("contact_user", contactUser ?? "x")] {
            if value.isEmpty { return "\(key) is empty" }
            if value.contains(where: { $0 == "@" || $0 == ":" || $0 == "<" || $0 == ">" || $0 == "\"" || $0.isWhitespace || !$0.isASCII }) {
                return "\(key) '\(value)' may not contain '@', ':', '<', '>', quotes, spaces or non-ASCII characters"
            }
        }
        if let transport, transport != "udp", transport != "tcp" { return "transport '\(transport)' is not udp or tcp" }
        if let expires, !(1...86_400 * 7).contains(expires) { return "expires \(expires) is not between 1 and 604800 seconds" }
        for (key, uri) in [("registrar", registrar), ("outbound_proxy", outboundProxy ?? "sip:x")] {
            guard uri.hasPrefix("sip:"), !uri.contains(where: { $0.isWhitespace }), uri.count > 4 else {
                return "\(key) '\(uri)' is not a sip: URI, e.g. sip:sip.carrier.example or sip:192.0.2.10:5060"
            }
        }
        return nil
    }

    /// What is wrong with a trunk name, or nil: 1 to 64 letters, digits, '-', '_' or '.'.
    public static func nameProblem(_ name: String) -> String? {
        guard !name.isEmpty, name.count <= 64,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else { return "trunk name '\(name)' must be 1 to 64 letters, digits, '-', '_' or '.'" }
        return nil
    }
}
