/// One subscriber as `GET /v1/subscribers` lists it. Credentials are never listed.
///
/// JSON keys (always all present, absent values as `null`): `username`, `domain`,
/// `display_name`, `account`, `realm`, `auth_mode`.
public struct SubscriberInfo: Codable, Hashable, Sendable {
    /// The user part of the AOR and the digest username.
    public var username: String
    /// The domain the account belongs to, or nil for any domain.
    public var domain: String?
    /// A human-readable name.
    public var displayName: String?
    /// The account or customer tag.
    public var account: String?
    /// The digest realm the stored HA1 values were computed for.
    public var realm: String
    /// How it authenticates: `password`, `ip`, `ip+port` or `password+ip`.
    public var authMode: String

    /// Creates a subscriber listing entry.
    public init(
        username: String, domain: String? = nil, displayName: String? = nil, account: String? = nil,
        realm: String, authMode: String = "password"
    ) {
        self.username = username
        self.domain = domain
        self.displayName = displayName
        self.account = account
        self.realm = realm
        self.authMode = authMode
    }

    private enum CodingKeys: String, CodingKey {
        case username, domain
        case displayName = "display_name"
        case account, realm
        case authMode = "auth_mode"
    }

    /// Decodes, taking a missing `auth_mode` (an older daemon) as `password`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        username = try container.decode(String.self, forKey: .username)
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
        account = try container.decodeIfPresent(String.self, forKey: .account)
        realm = try container.decode(String.self, forKey: .realm)
        authMode = try container.decodeIfPresent(String.self, forKey: .authMode) ?? "password"
    }

    /// Encodes every key, absent values as `null`, so the keys a script sees never vary.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(username, forKey: .username)
        try container.encode(domain, forKey: .domain)
        try container.encode(displayName, forKey: .displayName)
        try container.encode(account, forKey: .account)
        try container.encode(realm, forKey: .realm)
        try container.encode(authMode, forKey: .authMode)
    }
}
