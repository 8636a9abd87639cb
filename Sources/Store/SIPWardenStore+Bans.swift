import Foundation
import GRDB
import Registrar

extension SIPWardenStore {
    /// Stores many bans in one transaction (a batch of plugin decisions): all or none.
    ///
    /// Banning a target again while its ban is in force keeps the longer expiry (a shorter
    /// re-ban never shortens it), the first creation time, and the evidence of both (the
    /// `StoredBan.maximumEvidence` most recent events, duplicates dropped); each ban's
    /// `createdAt` is taken as "now" for deciding whether the stored ban is still in force
    /// (`StoredBan.merging`). Each ban is recorded in the ban history.
    ///
    /// - Returns: Each ban as now stored (with the effective expiry the firewall should use), in the order given.
    /// - Throws: `StoreError.invalidRow` when an `evidenceJSON` is not a JSON array of objects.
    @discardableResult
    public func upsertBans(_ bans: [StoredBan]) throws -> [StoredBan] {
        guard !bans.isEmpty else { return [] }
        return try pool.write { db in try bans.map { try BanTable.upsert($0, in: db) } }
    }

    /// Lifts the ban on exactly `target` and records who lifted it.
    ///
    /// - Parameters:
    ///   - target: The address or CIDR range as stored.
    ///   - at: When; nil reads the system clock.
    ///   - source: Who lifted it: "operator" or a plugin name.
    ///   - reason: Why, for the history.
    /// - Returns: The ban that was removed, or nil when there was none for `target`.
    @discardableResult
    public func removeBan(
        target: String, at: Timestamp? = nil, source: String = "operator", reason: String = "lifted"
    ) throws -> StoredBan? {
        let now = at ?? Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        return try pool.write { db in
            guard let existing = try BanTable.fetch(target: target, in: db) else { return nil }
            try db.cachedStatement(sql: BanTable.deleteOneSQL).execute(arguments: [target])
            try BanTable.recordHistory(target, .removed, at: now, source, reason, in: db)
            return existing
        }
    }

    /// Every ban in force at `activeAt` (lapsed rows not swept yet are left out), oldest first.
    public func bans(activeAt: Timestamp) throws -> [StoredBan] {
        try pool.read { db in
            try Row.fetchAll(db, sql: BanTable.selectActiveSQL, arguments: [activeAt.milliseconds]).map(BanTable.ban(from:))
        }
    }

    /// The ban stored for exactly `target` (no range lookup: a ban of 192.0.2.0/24 is not
    /// returned for 192.0.2.7). With `activeAt`, a ban that lapsed by then counts as absent.
    public func ban(target: String, activeAt: Timestamp? = nil) throws -> StoredBan? {
        let found = try pool.read { db in try BanTable.fetch(target: target, in: db) }
        guard let found else { return nil }
        if let activeAt, !found.isActive(at: activeAt) { return nil }
        return found
    }

    /// Deletes every ban that lapsed at or before `at`, recording each as expired.
    ///
    /// - Returns: The bans removed, earliest expiry first, so the caller can lift them in the
    ///   firewall and report `ban.expired`.
    @discardableResult
    public func removeExpiredBans(at: Timestamp) throws -> [StoredBan] {
        try pool.write { db in
            let expired = try Row.fetchAll(db, sql: BanTable.selectExpiredSQL, arguments: [at.milliseconds])
                .map(BanTable.ban(from:))
            guard !expired.isEmpty else { return [] }
            try db.cachedStatement(sql: BanTable.deleteExpiredSQL).execute(arguments: [at.milliseconds])
            for ban in expired {
                try BanTable.recordHistory(ban.target, .expired, at: ban.expiresAt, ban.source, ban.reason, in: db)
            }
            return expired
        }
    }

    /// The ban history, newest first: for one target, or for every target when nil.
    public func banHistory(target: String? = nil, limit: Int = 100) throws -> [BanHistoryEntry] {
        try pool.read { db in
            let columns = "target, action, at_ms, source, reason"
            let rows: [Row]
            if let target {
                rows = try Row.fetchAll(
                    db, sql: "SELECT \(columns) FROM ban_history WHERE target = ? ORDER BY at_ms DESC, id DESC LIMIT ?",
                    arguments: [target, max(0, limit)])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT \(columns) FROM ban_history ORDER BY at_ms DESC, id DESC LIMIT ?",
                    arguments: [max(0, limit)])
            }
            return try rows.map(BanTable.historyEntry(from:))
        }
    }
}
