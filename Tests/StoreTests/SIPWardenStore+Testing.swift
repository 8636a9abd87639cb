import GRDB
import Registrar

@testable import Store

/// Store operations only the tests use (the daemon goes through `StoreBackend`), built on the
/// store's own tables and SQL so they see exactly what the daemon wrote.
extension SIPWardenStore {
    /// Stores one ban (merged like `upsertBans`), in its own transaction.
    @discardableResult
    func upsertBan(_ ban: StoredBan) throws -> StoredBan {
        try pool.write { db in try BanTable.upsert(ban, in: db) }
    }

    /// The number of stored bindings, expired ones included.
    func bindingCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bindings") ?? 0 }
    }
}
