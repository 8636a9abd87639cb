/// One trunk (an outbound registration) as `GET /v1/trunks` lists it. The password is never
/// part of it.
///
/// JSON keys (always all present, absent values as `null`; times RFC 3339): `name`, `origin`
/// (`operator`: added with `sipwardenctl trunk add`, kept in the store; `config`: the
/// configuration file's `trunks:`), `registrar`, `username`, `auth_username`, `realm`,
/// `transport`, `expires` (asked for), `contact_user`, `outbound_proxy`, `enabled`, `state`
/// (`registered`, `registering`, `retrying`, `rejected`, `disabled`), `granted_expires`,
/// `expires_at`, `next_attempt`, `last_success`, `last_failure`, `last_failure_code`,
/// `last_failure_reason`, `consecutive_failures`, `contact` (registered last),
/// `public_address` (the address the registrar saw, when it differs from ours),
/// `addresses` (the registrar's and outbound proxy's resolved addresses, trusted while the
/// trunk exists).
public struct TrunkInfo: Codable, Hashable, Sendable {
    public var name: String
    public var origin: String
    public var registrar: String
    public var username: String
    public var authUsername: String?
    public var realm: String?
    public var transport: String
    public var expires: Int
    public var contactUser: String?
    public var outboundProxy: String?
    public var enabled: Bool
    public var state: String
    public var grantedExpires: Int?
    public var expiresAt: String?
    public var nextAttempt: String?
    public var lastSuccess: String?
    public var lastFailure: String?
    public var lastFailureCode: Int?
    public var lastFailureReason: String?
    public var consecutiveFailures: Int
    public var contact: String?
    public var publicAddress: String?
    public var addresses: [String]

    /// Creates a listing entry in `state` with no history.
    public init(
        name: String, origin: String, registrar: String, username: String, authUsername: String? = nil, realm: String? = nil,
        transport: String = "udp", expires: Int = 3600, contactUser: String? = nil, outboundProxy: String? = nil,
        enabled: Bool = true, state: String
    ) {
        self.name = name
        self.origin = origin
        self.registrar = registrar
        self.username = username
        self.authUsername = authUsername
        self.realm = realm
        self.transport = transport
        self.expires = expires
        self.contactUser = contactUser
        self.outboundProxy = outboundProxy
        self.enabled = enabled
        self.state = state
        self.consecutiveFailures = 0
        self.addresses = []
    }

    private enum CodingKeys: String, CodingKey {
        case name, origin, registrar, username
        case authUsername = "auth_username"
        case realm, transport, expires
        case contactUser = "contact_user"
        case outboundProxy = "outbound_proxy"
        case enabled, state
        case grantedExpires = "granted_expires"
        case expiresAt = "expires_at"
        case nextAttempt = "next_attempt"
        case lastSuccess = "last_success"
        case lastFailure = "last_failure"
        case lastFailureCode = "last_failure_code"
        case lastFailureReason = "last_failure_reason"
        case consecutiveFailures = "consecutive_failures"
        case contact
        case publicAddress = "public_address"
        case addresses
    }

    /// Encodes every key, absent values as `null`, so the keys a script sees never vary.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(origin, forKey: .origin)
        try c.encode(registrar, forKey: .registrar)
        try c.encode(username, forKey: .username)
        try c.encode(authUsername, forKey: .authUsername)
        try c.encode(realm, forKey: .realm)
        try c.encode(transport, forKey: .transport)
        try c.encode(expires, forKey: .expires)
        try c.encode(contactUser, forKey: .contactUser)
        try c.encode(outboundProxy, forKey: .outboundProxy)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(state, forKey: .state)
        try c.encode(grantedExpires, forKey: .grantedExpires)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(nextAttempt, forKey: .nextAttempt)
        try c.encode(lastSuccess, forKey: .lastSuccess)
        try c.encode(lastFailure, forKey: .lastFailure)
        try c.encode(lastFailureCode, forKey: .lastFailureCode)
        try c.encode(lastFailureReason, forKey: .lastFailureReason)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try c.encode(contact, forKey: .contact)
        try c.encode(publicAddress, forKey: .publicAddress)
        try c.encode(addresses, forKey: .addresses)
    }
}
