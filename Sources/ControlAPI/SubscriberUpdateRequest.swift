/// The body of `PATCH /v1/subscribers/{user}?domain=`: change a subscriber's details.
///
/// JSON keys, each optional (absent: unchanged): `display_name`, `account` (an empty string
/// clears either), `auth_mode` (`password`, `ip`, `ip+port` or `password+ip`).
public struct SubscriberUpdateRequest: Codable, Hashable, Sendable {
    /// The new display name; "" clears it.
    public var displayName: String?
    /// The new account tag; "" clears it.
    public var account: String?
    /// The new auth mode.
    public var authMode: String?

    /// Creates an update request.
    public init(displayName: String? = nil, account: String? = nil, authMode: String? = nil) {
        self.displayName = displayName
        self.account = account
        self.authMode = authMode
    }

    /// Whether the request changes nothing.
    public var isEmpty: Bool { displayName == nil && account == nil && authMode == nil }

    /// What is wrong with this request, or nil when every field is acceptable.
    public func validationProblem() -> String? {
        if isEmpty { return "nothing to change: give --display-name, --account or --auth-mode" }
        if let displayName, let problem = SubscriberValidation.problem(text: displayName, field: "display name") { return problem }
        if let account, let problem = SubscriberValidation.problem(text: account, field: "account tag") { return problem }
        if let authMode, let problem = SubscriberValidation.problem(authMode: authMode) { return problem }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case account
        case authMode = "auth_mode"
    }
}
