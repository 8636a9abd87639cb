import Foundation
import GRDB

extension SIPWardenStore {
    /// The secret stored under `named`; when there is none yet, stores `make()` and returns it.
    ///
    /// Reading and creating happen in one write transaction, so concurrent callers (threads or
    /// processes) all get the same value and `make` runs at most once per stored secret. Use it
    /// for keys that must survive restarts, such as the nonce HMAC key: nonces issued before a
    /// restart stay valid after it. `make` runs inside the transaction, so it must not call
    /// the store.
    public func secret(named: String, createWith make: () -> [UInt8]) throws -> [UInt8] {
        // Secrets share the meta table with schema facts; the prefix keeps the names apart.
        let key = "secret." + named
        return try pool.write { db in
            if let stored = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) {
                return [UInt8](stored)
            }
            let fresh = make()
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, Data(fresh)])
            return fresh
        }
    }
}
