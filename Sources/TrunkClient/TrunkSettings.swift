import SIPCore

/// What the operator configured for one trunk: where to register and as whom.
public struct TrunkSettings: Hashable, Sendable {
    /// The trunk's name, unique in the daemon (letters, digits, `-`, `_`, `.`).
    public var name: String
    /// The registrar, `sip:HOST[:PORT]`: the Request-URI and the domain of the AOR.
    public var registrar: SIPURI
    /// The user part of the AOR (From and To).
    public var username: String
    /// The digest username when it differs from `username`.
    public var authUsername: String?
    /// The digest password.
    public var password: String
    /// Answer only challenges of this realm when set; any realm when nil.
    public var realm: String?
    /// UDP or TCP.
    public var transport: TrunkTransport
    /// The expiry asked for, in seconds.
    public var expires: UInt32
    /// The user part of the Contact; `username` when nil.
    public var contactUser: String?
    /// Where to send the REGISTER instead of the registrar (a Route header names it).
    public var outboundProxy: SIPURI?

    /// Creates settings.
    public init(
        name: String, registrar: SIPURI, username: String, authUsername: String? = nil, password: String,
        realm: String? = nil, transport: TrunkTransport = .udp, expires: UInt32 = 3600, contactUser: String? = nil,
        outboundProxy: SIPURI? = nil
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
    }

    /// The address of record, `sip:user@registrar-host`.
    public var aor: String { "sip:" + username + "@" + registrar.host }

    /// The name the digest answers with.
    public var digestUsername: String { authUsername ?? username }

    /// The URI the REGISTER is sent to: the outbound proxy when there is one, else the registrar.
    public var nextHop: SIPURI { outboundProxy ?? registrar }
}
