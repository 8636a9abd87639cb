import Foundation
import GRDB
import Registrar

/// Trunks: the outbound registrations added at run time (`sipwardenctl trunk add`).
extension SIPWardenStore {
    /// Adds a trunk; false when one of that name exists already (nothing changed).
    @discardableResult
    public func addTrunk(_ trunk: StoredTrunk) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO trunks (name, registrar, username, auth_username, password, realm, transport, expires,
                        contact_user, outbound_proxy, enabled, created_at_ms, updated_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    trunk.name, trunk.registrar, trunk.username, trunk.authUsername, trunk.password, trunk.realm, trunk.transport,
                    Int64(trunk.expires), trunk.contactUser, trunk.outboundProxy, trunk.enabled, trunk.createdAt.milliseconds,
                    trunk.updatedAt.milliseconds,
                ])
            return db.changesCount > 0
        }
    }

    /// Turns a trunk on or off; false when there is no such trunk.
    @discardableResult
    public func setTrunkEnabled(_ name: String, _ enabled: Bool, now: Timestamp) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE trunks SET enabled = ?, updated_at_ms = ? WHERE name = ?", arguments: [enabled, now.milliseconds, name])
            return db.changesCount > 0
        }
    }

    /// Removes a trunk; false when there was none.
    @discardableResult
    public func removeTrunk(_ name: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM trunks WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    /// Every stored trunk, by name.
    public func trunks() throws -> [StoredTrunk] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT name, registrar, username, auth_username, password, realm, transport, expires, contact_user,
                        outbound_proxy, enabled, created_at_ms, updated_at_ms FROM trunks ORDER BY name
                    """
            ).map { row in
                let expires: Int64 = row[7]
                return StoredTrunk(
                    name: row[0], registrar: row[1], username: row[2], authUsername: row[3], password: row[4], realm: row[5],
                    transport: row[6], expires: UInt32(clamping: expires), contactUser: row[8], outboundProxy: row[9],
                    enabled: row[10], createdAt: Timestamp(milliseconds: row[11]), updatedAt: Timestamp(milliseconds: row[12]))
            }
        }
    }

    /// Makes the database file and its WAL and shared-memory files readable by the owner only
    /// (mode 0600): trunk passwords are in it. Missing files are skipped.
    static func restrictFileMode(_ path: String) throws {
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            guard chmod(file, 0o600) == 0 else {
                throw StoreError.cannotOpen(path: path, reason: "cannot make \(file) mode 0600: \(String(cString: strerror(errno)))")
            }
        }
    }
}
