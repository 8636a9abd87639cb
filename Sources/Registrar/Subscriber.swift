/// A registered account: who may REGISTER, and the digests that prove it.
///
/// Passwords are never stored: only HA1 = H(username ":" realm ":" password) for MD5 and
/// SHA-256 (RFC 7616 §3.4.2), computed for `realm`.
public struct Subscriber: Hashable, Codable, Sendable {
    /// The user part of the AOR and the digest username, e.g. "1001".
    public var username: String
    /// The domain the account belongs to, or nil when it registers under any domain.
    public var domain: String?
    /// A human-readable name, e.g. "Reception desk".
    public var displayName: String?
    /// The account or customer tag the operator groups phones by.
    public var account: String?
    /// The digest realm the HA1 values were computed for.
    public var realm: String
    /// Lower-case hex MD5 HA1.
    public var ha1MD5: String
    /// Lower-case hex SHA-256 HA1.
    public var ha1SHA256: String
    /// How the subscriber proves it may REGISTER.
    public var authMode: AuthMode

    /// Creates a subscriber from precomputed digests.
    public init(
        username: String, domain: String? = nil, displayName: String? = nil, account: String? = nil,
        realm: String, ha1MD5: String, ha1SHA256: String, authMode: AuthMode = .password
    ) {
        self.username = username
        self.domain = domain
        self.displayName = displayName
        self.account = account
        self.realm = realm
        self.ha1MD5 = ha1MD5
        self.ha1SHA256 = ha1SHA256
        self.authMode = authMode
    }
}
