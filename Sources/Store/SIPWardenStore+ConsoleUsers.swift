import Foundation
import GRDB
import Registrar

/// The web console's accounts (`sipwardenctl console user ...`).
extension SIPWardenStore {
    /// Adds an account, or replaces the one with the same name.
    ///
    /// - Returns: Whether an account of that name existed (and was replaced).
    @discardableResult
    public func upsertConsoleUser(_ user: StoredConsoleUser) throws -> Bool {
        try pool.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM console_users WHERE name = ?", arguments: [user.name]) ?? false
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO console_users (name, role, salt, hash, iterations, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [user.name, user.role, Data(user.salt), Data(user.hash), user.iterations, user.createdAt.milliseconds])
            return existed
        }
    }

    /// Removes an account; whether there was one.
    public func removeConsoleUser(name: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM console_users WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    /// One account, or nil.
    public func consoleUser(name: String) throws -> StoredConsoleUser? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM console_users WHERE name = ?", arguments: [name]).map(Self.consoleUser)
        }
    }

    /// Every account, by name.
    public func consoleUsers() throws -> [StoredConsoleUser] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM console_users ORDER BY name").map(Self.consoleUser)
        }
    }

    private static func consoleUser(_ row: Row) -> StoredConsoleUser {
        let salt: Data = row["salt"]
        let hash: Data = row["hash"]
        return StoredConsoleUser(
            name: row["name"], role: row["role"], salt: Array(salt), hash: Array(hash), iterations: row["iterations"],
            createdAt: Timestamp(milliseconds: row["created_at_ms"]))
    }
}
