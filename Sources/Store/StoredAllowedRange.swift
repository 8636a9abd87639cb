import Registrar

/// One per-phone allowed range as the store keeps it: the subscriber it belongs to, the
/// address range in canonical CIDR text, and optionally the one source port it allows.
///
/// The store does not parse `cidr`; the daemon canonicalises it before storing.
public struct StoredAllowedRange: Hashable, Sendable {
    /// The subscriber's username.
    public var username: String
    /// The subscriber's domain, or nil for the any-domain subscriber.
    public var domain: String?
    /// The range, canonical text ("192.0.2.0/24", or one address "192.0.2.7").
    public var cidr: String
    /// The only source port allowed from the range, or nil for any port.
    public var port: Int?
    /// When the rule was added.
    public var createdAt: Timestamp

    /// Creates a rule.
    public init(username: String, domain: String?, cidr: String, port: Int?, createdAt: Timestamp) {
        self.username = username
        self.domain = domain
        self.cidr = cidr
        self.port = port
        self.createdAt = createdAt
    }
}
