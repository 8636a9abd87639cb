/// The body of `POST /v1/subscribers`: provision one subscriber.
///
/// JSON keys: `username`, `password`, `domain`, `display_name`, `account`, `auth_mode`,
/// `replace` (all but `username` optional; `password` may be left out only when `auth_mode` is
/// `ip` or `ip+port`, and the daemon then stores digests of a random password nobody knows). The
/// daemon stores only the HA1 digests of the password, never the password.
///
/// A subscriber that exists (same username and domain) is refused with 409 unless `replace` is
/// true; a replacement gets the new password and keeps its auth mode, account, display name and
/// allowed ranges unless the request gives them (answered with 200 instead of 201).
public struct SubscriberAddRequest: Codable, Hashable, Sendable {
    /// The user part of the AOR and the digest username, e.g. "1001".
    public var username: String
    /// The password in clear; it crosses only the control connection. Nil only for the
    /// `ip` and `ip+port` modes.
    public var password: String?
    /// The domain the account belongs to, or nil for any domain.
    public var domain: String?
    /// A human-readable name, e.g. "Reception desk".
    public var displayName: String?
    /// The account or customer tag the operator groups phones by.
    public var account: String?
    /// `password` (the default), `ip`, `ip+port` or `password+ip`.
    public var authMode: String?
    /// Whether an existing subscriber of that username and domain is replaced (else refused).
    public var replace: Bool

    /// Creates an add request.
    public init(
        username: String, password: String?, domain: String? = nil, displayName: String? = nil,
        account: String? = nil, authMode: String? = nil, replace: Bool = false
    ) {
        self.replace = replace
        self.username = username
        self.password = password
        self.domain = domain
        self.displayName = displayName
        self.account = account
        self.authMode = authMode
    }

    /// What is wrong with this request, or nil when every field is acceptable.
    public func validationProblem() -> String? {
        if let authMode, let problem = SubscriberValidation.problem(authMode: authMode) { return problem }
        if let password {
            if let problem = SubscriberValidation.problem(username: username, password: password, domain: domain) { return problem }
        } else {
            guard authMode == "ip" || authMode == "ip+port" else {
                return "a password is needed (only the ip and ip+port auth modes go without one)"
            }
            if let problem = SubscriberValidation.problem(username: username) { return problem }
            if let domain, let problem = SubscriberValidation.problem(domain: domain) { return problem }
        }
        if let displayName, let problem = SubscriberValidation.problem(text: displayName, field: "display name") {
            return problem
        }
        if let account, let problem = SubscriberValidation.problem(text: account, field: "account tag") {
            return problem
        }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case username, password, domain
        case displayName = "display_name"
        case account
        case authMode = "auth_mode"
        case replace
    }

    /// Decodes the request; a missing `replace` (an older client) is false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        username = try container.decode(String.self, forKey: .username)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
        account = try container.decodeIfPresent(String.self, forKey: .account)
        authMode = try container.decodeIfPresent(String.self, forKey: .authMode)
        replace = try container.decodeIfPresent(Bool.self, forKey: .replace) ?? false
    }
}
