import GRDB
import Registrar

/// SQL and row mapping for the `subscribers` table.
enum SubscriberTable {
    static let columns = "username, domain, display_name, account, realm, ha1_md5, ha1_sha256, auth_mode"

    static let upsertSQL = """
        INSERT INTO subscribers (\(columns), created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (username, domain) DO UPDATE SET
            domain = excluded.domain, display_name = excluded.display_name, account = excluded.account,
            realm = excluded.realm, ha1_md5 = excluded.ha1_md5, ha1_sha256 = excluded.ha1_sha256, auth_mode = excluded.auth_mode,
            updated_at = excluded.updated_at
        """
    static let deleteSQL = "DELETE FROM subscribers WHERE username = ? AND domain = ?"
    static let selectAllSQL = "SELECT \(columns) FROM subscribers ORDER BY domain, username"
    static let selectOneSQL = "SELECT \(columns) FROM subscribers WHERE username = ? AND domain = ?"

    /// The column value for a domain: '' stands for nil ("any domain").
    static func storedDomain(_ domain: String?) -> String { domain ?? "" }

    /// Writes one subscriber, keeping `created_at` of an existing row.
    static func upsert(_ s: Subscriber, now: Timestamp, in db: Database) throws {
        try db.cachedStatement(sql: upsertSQL).execute(arguments: [
            s.username, storedDomain(s.domain), s.displayName, s.account, s.realm, s.ha1MD5, s.ha1SHA256, s.authMode.rawValue,
            now.milliseconds, now.milliseconds,
        ])
    }

    /// Decodes a row selected with `columns`.
    static func subscriber(from row: Row) throws -> Subscriber {
        let domain: String = try row.decode(atIndex: 1)
        let mode: String = try row.decode(atIndex: 7)
        return Subscriber(
            username: try row.decode(atIndex: 0),
            domain: domain.isEmpty ? nil : domain,
            displayName: try row.decode(atIndex: 2),
            account: try row.decode(atIndex: 3),
            realm: try row.decode(atIndex: 4),
            ha1MD5: try row.decode(atIndex: 5),
            ha1SHA256: try row.decode(atIndex: 6),
            authMode: AuthMode(rawValue: mode) ?? .password
        )
    }
}
