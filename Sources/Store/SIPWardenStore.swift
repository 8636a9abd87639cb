import Foundation
import GRDB
import Registrar

/// SIPWarden's SQLite database: subscribers, registration bindings and long-lived secrets.
///
/// One file in WAL mode, opened as a GRDB `DatabasePool`: reads run concurrently with the single
/// writer, and every write method is one transaction. The schema is created and upgraded by
/// version when the store opens. Safe to use from any thread; writes are serialized.
///
/// Every method that returns has committed (or read) with the configured `durability`; for the
/// REGISTER hot path use a `GroupCommitter`, which shares one transaction among many changes.
public final class SIPWardenStore: Sendable {
    /// The database file's path, as given to `init`.
    public let path: String
    /// How hard each commit works to survive crashes.
    public let durability: StoreDurability
    /// The connection pool; internal so tests can inspect pragmas and schema.
    let pool: DatabasePool

    /// Opens (creating when missing) the database at `path` and migrates it to the current schema.
    ///
    /// - Parameters:
    ///   - path: The database file. Its parent directory is created when missing.
    ///   - durability: `.full` (default) makes every commit survive power loss; `.normal` only
    ///     process crashes. See `StoreDurability` for the trade-off.
    ///   - busyTimeout: How long, in seconds, a write waits for another process holding the
    ///     database lock before failing with `SQLITE_BUSY`.
    /// - Throws: `StoreError.cannotOpen` naming the path when the directory or file cannot be
    ///   created or opened, `StoreError.foreignDatabase` when the file belongs to another
    ///   program, `StoreError.newerSchema` when a newer SIPWarden migrated it.
    public init(path: String, durability: StoreDurability = .full, busyTimeout: Double = 5) throws {
        self.path = path
        self.durability = durability

        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotOpen(
                path: path, reason: "cannot create directory \(directory.path): \(error.localizedDescription)")
        }

        var configuration = Configuration()
        configuration.label = "SIPWardenStore"
        configuration.busyMode = .timeout(busyTimeout)
        let synchronous = durability.synchronousPragma
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }

        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous=NORMAL on its writer after prepareDatabase when it
            // enables WAL, so the writer (the only connection that commits) is set again here,
            // and checked: a silently weaker setting would break the durability promise.
            let effective = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard effective == durability.synchronousLevel else {
                throw StoreError.cannotOpen(
                    path: path, reason: "SQLite kept synchronous=\(effective.map(String.init) ?? "?") instead of \(synchronous)")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        try Self.migrate(pool, path: path)
        try Self.restrictFileMode(path)
        self.pool = pool
    }

    /// Closes the database. Later calls on this store, and on committers using it, fail.
    ///
    /// Not required for durability: everything a method acknowledged is already committed.
    public func close() throws {
        try pool.close()
    }

    /// Refuses foreign and newer databases, then applies the migrations this build knows.
    private static func migrate(_ pool: DatabasePool, path: String) throws {
        let migrator = StoreSchema.migrator
        do {
            let (applicationID, applied, hasTables) = try pool.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try migrator.appliedIdentifiers(db),
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')") ?? false
                )
            }
            // Without our application id, only an empty file may become a SIPWarden database.
            if applicationID != StoreSchema.applicationID && (applicationID != 0 || hasTables) {
                throw StoreError.foreignDatabase(path: path)
            }
            let unknown = applied.subtracting(migrator.migrations)
            if !unknown.isEmpty {
                throw StoreError.newerSchema(path: path, unknownVersions: unknown.sorted())
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }
}
