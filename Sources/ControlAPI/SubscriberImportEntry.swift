/// One subscriber of a bulk import: a username, its password, and optionally its domain,
/// account tag, display name and auth mode.
///
/// JSON keys: `username`, `password`, and optional `domain`, `account`, `display_name`,
/// `auth_mode`. The password may be empty only for the `ip` and `ip+port` modes.
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

    /// Creates an import entry.
    public init(
        username: String, password: String, domain: String? = nil, account: String? = nil, displayName: String? = nil,
        authMode: String? = nil
    ) {
        self.username = username
        self.password = password
        self.domain = domain
        self.account = account
        self.displayName = displayName
        self.authMode = authMode
    }

    /// Whether the entry goes without a password (an `ip` or `ip+port` phone).
    public var isPasswordless: Bool { password.isEmpty && (authMode == "ip" || authMode == "ip+port") }

    /// What is wrong with this entry, or nil when it is acceptable.
    public func validationProblem() -> String? {
        if let authMode, let problem = SubscriberValidation.problem(authMode: authMode) { return problem }
        if let account, let problem = SubscriberValidation.problem(text: account, field: "account tag") { return problem }
        if let displayName, let problem = SubscriberValidation.problem(text: displayName, field: "display name") { return problem }
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
    }
}
