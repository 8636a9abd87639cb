/// One subscriber of a bulk import: a username, its password, and optionally its domain,
/// account tag, display name and auth mode.
///
/// JSON keys: `username`, `password`, and optional `domain`, `account`, `display_name`,
/// `auth_mode`, `realm`, `ha1_md5`, `ha1_sha256`. The password may be empty only for the `ip`
/// and `ip+port` modes, or when the entry carries the HA1 digests instead (what `subscriber
/// export` writes: passwords are never stored, so an export carries the digests, valid only for
/// their `realm`; all three are given together, and the password is then empty).
public struct SubscriberImportEntry: Codable, Hashable, Sendable {
    /// The user part of the AOR and the digest username.
    public var username: String
    /// The password in clear; it crosses only the local control socket.
    public var password: String
    /// The domain the account belongs to, or nil for any domain.
    public var domain: String?
    /// The account or customer tag.
    public var account: String?
    /// A human-readable name.
    public var displayName: String?
    /// `password` (when absent), `ip`, `ip+port` or `password+ip`.
    public var authMode: String?
    /// The digest realm `ha1MD5` and `ha1SHA256` were computed for.
    public var realm: String?
    /// The MD5 HA1, lower-case hex (32 digits), instead of a password.
    public var ha1MD5: String?
    /// The SHA-256 HA1, lower-case hex (64 digits), instead of a password.
    public var ha1SHA256: String?

    /// Creates an import entry.
    public init(
        username: String, password: String, domain: String? = nil, account: String? = nil, displayName: String? = nil,
        authMode: String? = nil, realm: String? = nil, ha1MD5: String? = nil, ha1SHA256: String? = nil
    ) {
        self.realm = realm
        self.ha1MD5 = ha1MD5
        self.ha1SHA256 = ha1SHA256
        self.username = username
        self.password = password
        self.domain = domain
        self.account = account
        self.displayName = displayName
        self.authMode = authMode
    }

    /// Whether the entry goes without a password (an `ip` or `ip+port` phone).
    public var isPasswordless: Bool { password.isEmpty && (authMode == "ip" || authMode == "ip+port") }

    /// Whether the entry carries HA1 digests instead of a password.
    public var hasDigests: Bool { realm != nil || ha1MD5 != nil || ha1SHA256 != nil }

    /// What is wrong with the digest fields, or nil when there are none or they are acceptable.
    public func digestProblem() -> String? {
        guard hasDigests else { return nil }
        guard let realm, let ha1MD5, let ha1SHA256 else {
            return "realm, ha1_md5 and ha1_sha256 go together (an HA1 is only valid for its realm)"
        }
        if !password.isEmpty { return "give a password or HA1 digests, not both" }
        if let problem = SubscriberValidation.problem(text: realm, field: "realm") { return problem }
        if realm.isEmpty { return "the realm is empty" }
        if !Self.isHex(ha1MD5, digits: 32) { return "ha1_md5 must be 32 hex digits, found '\(ha1MD5.prefix(70))'" }
        if !Self.isHex(ha1SHA256, digits: 64) { return "ha1_sha256 must be 64 hex digits, found '\(ha1SHA256.prefix(70))'" }
        return nil
    }

    private static func isHex(_ text: String, digits: Int) -> Bool {
        text.utf8.count == digits && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }

    /// What is wrong with this entry, or nil when it is acceptable.
    public func validationProblem() -> String? {
        if let authMode, let problem = SubscriberValidation.problem(authMode: authMode) { return problem }
        if let account, let problem = SubscriberValidation.problem(text: account, field: "account tag") { return problem }
        if let displayName, let problem = SubscriberValidation.problem(text: displayName, field: "display name") { return problem }
        if hasDigests {
            if let problem = digestProblem() { return problem }
            if let problem = SubscriberValidation.problem(username: username) { return problem }
            if let domain { return SubscriberValidation.problem(domain: domain) }
            return nil
        }
        if isPasswordless {
            if let problem = SubscriberValidation.problem(username: username) { return problem }
            if let domain { return SubscriberValidation.problem(domain: domain) }
            return nil
        }
        return SubscriberValidation.problem(username: username, password: password, domain: domain)
    }

    private enum CodingKeys: String, CodingKey {
        case username, password, domain, account
        case displayName = "display_name"
        case authMode = "auth_mode"
        case realm
        case ha1MD5 = "ha1_md5"
        case ha1SHA256 = "ha1_sha256"
    }
}
