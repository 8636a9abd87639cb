import Foundation

/// One ban as `GET /v1/bans` lists it, and as `sipwardenctl ban list --json` prints it.
///
/// The JSON keys are a stable interface (documented in docs/cli.md); every key is always
/// present:
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `address` | string | the banned address or CIDR range, "192.0.2.7", "2001:db8::/32" |
/// | `expires_in` | integer | seconds until the ban lapses |
/// | `reason` | string | why, as the plugin or operator gave it |
/// | `source` | string | who asked: a plugin name, "operator", "fail2ban <jail>" |
/// | `created_at` | string | RFC 3339 UTC, when the ban was first put in force |
/// | `expires_at` | string | RFC 3339 UTC, when it lapses |
/// | `evidence_count` | integer | how many events `ban why` can show |
public struct BanInfo: Codable, Hashable, Sendable {
    /// The banned address or CIDR range, canonical text.
    public var address: String
    /// Whole seconds until the ban lapses (0 when it already has).
    public var expiresIn: Int
    /// Why the address is banned.
    public var reason: String
    /// Who asked for the ban: a plugin name, "operator", or "fail2ban <jail>".
    public var source: String
    /// When the ban was first put in force (whole seconds in JSON).
    public var createdAt: Date
    /// When the ban lapses (whole seconds in JSON).
    public var expiresAt: Date
    /// The number of evidence events stored with the ban.
    public var evidenceCount: Int

    /// Creates a listing entry.
    public init(
        address: String, expiresIn: Int, reason: String, source: String, createdAt: Date, expiresAt: Date,
        evidenceCount: Int = 0
    ) {
        self.address = address
        self.expiresIn = expiresIn
        self.reason = reason
        self.source = source
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.evidenceCount = evidenceCount
    }

    /// The JSON keys, in the order docs/cli.md lists them.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        /// `address`
        case address
        /// `expires_in`
        case expiresIn = "expires_in"
        /// `reason`
        case reason
        /// `source`
        case source
        /// `created_at`
        case createdAt = "created_at"
        /// `expires_at`
        case expiresAt = "expires_at"
        /// `evidence_count`
        case evidenceCount = "evidence_count"
    }

    /// Decodes a listing entry; `evidence_count` defaults to 0 when missing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(String.self, forKey: .address)
        expiresIn = try container.decode(Int.self, forKey: .expiresIn)
        reason = try container.decode(String.self, forKey: .reason)
        source = try container.decode(String.self, forKey: .source)
        createdAt = try container.decodeRFC3339(.createdAt)
        expiresAt = try container.decodeRFC3339(.expiresAt)
        evidenceCount = try container.decodeIfPresent(Int.self, forKey: .evidenceCount) ?? 0
    }

    /// Encodes every key, dates as RFC 3339 UTC whatever the encoder's date strategy.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address, forKey: .address)
        try container.encode(expiresIn, forKey: .expiresIn)
        try container.encode(reason, forKey: .reason)
        try container.encode(source, forKey: .source)
        try container.encode(RFC3339.format(createdAt), forKey: .createdAt)
        try container.encode(RFC3339.format(expiresAt), forKey: .expiresAt)
        try container.encode(evidenceCount, forKey: .evidenceCount)
    }
}
