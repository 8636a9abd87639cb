import Foundation

/// One web-console account as `GET /v1/console/users` lists it (never its password hash).
///
/// JSON keys: `name`, `role` (`admin` or `viewer`), `created_at` (RFC 3339 UTC).
public struct ConsoleUserInfo: Codable, Hashable, Sendable {
    /// The login name.
    public var name: String
    /// What the account may do.
    public var role: ConsoleRole
    /// When the account was created.
    public var createdAt: Date

    /// Creates a listing entry.
    public init(name: String, role: ConsoleRole, createdAt: Date) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case name, role
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        role = try container.decode(ConsoleRole.self, forKey: .role)
        createdAt = try container.decodeRFC3339(.createdAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(RFC3339.format(createdAt), forKey: .createdAt)
    }
}
