import Foundation

/// One row of `GET /v1/analysis/failures` (`sipwardenctl analysis failures --json`): the
/// failed attempts of one user (the digest username, else the AOR) from one source address
/// for one reason, in the window.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `user` | string | the digest username, else the AOR ("" when neither was sent) |
/// | `source_ip` | string | the source address |
/// | `reason` | string | `wrong password`, `unknown user`, `stale nonce`, `ACL`, `rate limited`, `banned`, `rejected` (`FailureReason`) |
/// | `kind` | string | the event kind behind the reason |
/// | `count` | number | attempts |
/// | `first_seen`, `last_seen` | string | RFC 3339 UTC |
/// | `user_agent` | string or null | the User-Agent of the latest attempt |
/// | `country` | string or null | the source's country (ISO 3166 code) when a GeoIP database is configured; null otherwise |
public struct FailureGroup: Codable, Hashable, Sendable {
    /// The digest username, else the AOR.
    public var user: String
    /// The source address.
    public var sourceIP: String
    /// The reason, in words (`FailureReason`).
    public var reason: String
    /// The event kind behind the reason.
    public var kind: String
    /// Attempts.
    public var count: Int
    /// The first attempt.
    public var firstSeen: Date
    /// The latest attempt.
    public var lastSeen: Date
    /// The latest attempt's User-Agent.
    public var userAgent: String?
    /// The source's country, filled in when a GeoIP database is configured.
    public var country: String?

    /// Creates a row.
    public init(
        user: String, sourceIP: String, reason: String, kind: String, count: Int, firstSeen: Date, lastSeen: Date,
        userAgent: String?, country: String? = nil
    ) {
        self.user = user
        self.sourceIP = sourceIP
        self.reason = reason
        self.kind = kind
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.userAgent = userAgent
        self.country = country
    }

    enum CodingKeys: String, CodingKey {
        case user, reason, kind, count, country
        case sourceIP = "source_ip", firstSeen = "first_seen", lastSeen = "last_seen", userAgent = "user_agent"
    }

    /// Decodes a row.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        user = try c.decode(String.self, forKey: .user)
        sourceIP = try c.decode(String.self, forKey: .sourceIP)
        reason = try c.decode(String.self, forKey: .reason)
        kind = try c.decode(String.self, forKey: .kind)
        count = try c.decode(Int.self, forKey: .count)
        firstSeen = try c.decodeRFC3339(.firstSeen)
        lastSeen = try c.decodeRFC3339(.lastSeen)
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent)
        country = try c.decodeIfPresent(String.self, forKey: .country)
    }

    /// Encodes every key, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(user, forKey: .user)
        try c.encode(sourceIP, forKey: .sourceIP)
        try c.encode(reason, forKey: .reason)
        try c.encode(kind, forKey: .kind)
        try c.encode(count, forKey: .count)
        try c.encode(RFC3339.format(firstSeen), forKey: .firstSeen)
        try c.encode(RFC3339.format(lastSeen), forKey: .lastSeen)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(country, forKey: .country)
    }
}
