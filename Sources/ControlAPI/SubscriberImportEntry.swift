/// One subscriber of a bulk import: a username, its password, and optionally its domain.
///
/// JSON keys: `username`, `password`, `domain` (optional).
public struct SubscriberImportEntry: Codable, Hashable, Sendable {
    /// The user part of the AOR and the digest username.
    public var username: String
    /// The password in clear; it crosses only the local control socket.
    public var password: String
    /// The domain the account belongs to, or nil for any domain.
    public var domain: String?

    /// Creates an import entry.
    public init(username: String, password: String, domain: String? = nil) {
        self.username = username
        self.password = password
        self.domain = domain
    }

    /// What is wrong with this entry, or nil when it is acceptable.
    public func validationProblem() -> String? {
        SubscriberValidation.problem(username: username, password: password, domain: domain)
    }
}
