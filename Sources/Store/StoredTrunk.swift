import Registrar

/// One trunk (an outbound registration) as the store keeps it. The URIs are kept as text,
/// checked by the control API before they are stored.
public struct StoredTrunk: Hashable, Sendable {
    /// The unique name.
    public var name: String
    /// `sip:HOST[:PORT]`.
    public var registrar: String
    /// The AOR's user.
    public var username: String
    /// The digest username, when it differs.
    public var authUsername: String?
    /// The digest password (never returned by the control API).
    public var password: String
    /// The only realm answered, when set.
    public var realm: String?
    /// "udp" or "tcp".
    public var transport: String
    /// Seconds asked for.
    public var expires: UInt32
    /// The Contact's user, when it differs from `username`.
    public var contactUser: String?
    /// `sip:HOST[:PORT]` to send through, when set.
    public var outboundProxy: String?
    /// Whether the trunk registers.
    public var enabled: Bool
    /// When it was added.
    public var createdAt: Timestamp
    /// When it was last changed.
    public var updatedAt: Timestamp

    /// Creates a row.
    public init(
        name: String, registrar: String, username: String, authUsername: String? = nil, password: String, realm: String? = nil,
        transport: String = "udp", expires: UInt32 = 3600, contactUser: String? = nil, outboundProxy: String? = nil,
        enabled: Bool = true, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.name = name
        self.registrar = registrar
        self.username = username
        self.authUsername = authUsername
        self.password = password
        self.realm = realm
        self.transport = transport
        self.expires = expires
        self.contactUser = contactUser
        self.outboundProxy = outboundProxy
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
