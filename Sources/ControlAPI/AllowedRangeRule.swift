/// One per-phone allowed range: the body of `POST /v1/allowed` and an element of
/// `GET /v1/allowed`.
///
/// JSON keys (all present, absent values `null`): `username`, `domain`, `cidr`, `port`.
/// `cidr` is an address or CIDR range (answers carry it canonical: "192.0.2.0/24", a single
/// address without "/32"); `port`, when set, is the only source port the rule allows.
public struct AllowedRangeRule: Codable, Hashable, Sendable {
    /// The subscriber's username.
    public var username: String
    /// The subscriber's domain, or nil for the any-domain subscriber.
    public var domain: String?
    /// The range.
    public var cidr: String
    /// The only source port allowed, or nil for any.
    public var port: Int?

    /// Creates a rule.
    public init(username: String, domain: String? = nil, cidr: String, port: Int? = nil) {
        self.username = username
        self.domain = domain
        self.cidr = cidr
        self.port = port
    }

    /// What is wrong with the rule, or nil.
    public func validationProblem() -> String? {
        if let problem = SubscriberValidation.problem(username: username) { return problem }
        if let domain, let problem = SubscriberValidation.problem(domain: domain) { return problem }
        if let problem = AccessRange.problem(cidr) { return problem }
        if let port, !(1...65535).contains(port) { return "the port \(port) is not between 1 and 65535" }
        return nil
    }

    private enum CodingKeys: String, CodingKey { case username, domain, cidr, port }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(username, forKey: .username)
        try container.encode(domain, forKey: .domain)
        try container.encode(cidr, forKey: .cidr)
        try container.encode(port, forKey: .port)
    }
}
