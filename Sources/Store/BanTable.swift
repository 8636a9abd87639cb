import Foundation
import GRDB
import Registrar

/// SQL, row mapping and evidence merging for the `bans` and `ban_history` tables.
enum BanTable {
    static let columns = "target, expires_at_ms, created_at_ms, source, reason, evidence"

    static let upsertSQL = """
        INSERT INTO bans (\(columns)) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (target) DO UPDATE SET
            expires_at_ms = excluded.expires_at_ms, created_at_ms = excluded.created_at_ms,
            source = excluded.source, reason = excluded.reason, evidence = excluded.evidence
        """
    static let selectOneSQL = "SELECT \(columns) FROM bans WHERE target = ?"
    static let selectActiveSQL = "SELECT \(columns) FROM bans WHERE expires_at_ms > ? ORDER BY created_at_ms, target"
    static let selectExpiredSQL = "SELECT \(columns) FROM bans WHERE expires_at_ms <= ? ORDER BY expires_at_ms, target"
    static let deleteOneSQL = "DELETE FROM bans WHERE target = ?"
    static let deleteExpiredSQL = "DELETE FROM bans WHERE expires_at_ms <= ?"
    static let historyInsertSQL = "INSERT INTO ban_history (target, action, at_ms, source, reason) VALUES (?, ?, ?, ?, ?)"

    /// Reads the row for `target`, if any.
    static func fetch(target: String, in db: Database) throws -> StoredBan? {
        // A cached statement: preparing it again for every ban of a 100,000-ban import cost more
        // than the ban itself (GRDB's authorizer runs at every prepare).
        try Row.fetchOne(db.cachedStatement(sql: selectOneSQL), arguments: [target]).map(ban(from:))
    }

    /// Writes `ban` merged with the row already stored for its target (`StoredBan.merging`),
    /// records the history, and returns what is now stored. A stored ban that lapsed but was
    /// not swept yet is recorded as expired and replaced.
    static func upsert(_ ban: StoredBan, in db: Database) throws -> StoredBan {
        let (merged, lapsed) = try StoredBan.merging(ban, into: try fetch(target: ban.target, in: db))
        if let lapsed {
            try recordHistory(lapsed.target, .expired, at: lapsed.expiresAt, lapsed.source, lapsed.reason, in: db)
        }
        try db.cachedStatement(sql: upsertSQL).execute(arguments: [
            merged.target, merged.expiresAt.milliseconds, merged.createdAt.milliseconds, merged.source,
            merged.reason, merged.evidenceJSON,
        ])
        try recordHistory(ban.target, .added, at: ban.createdAt, ban.source, ban.reason, in: db)
        return merged
    }

    /// Appends one line to `ban_history`.
    static func recordHistory(
        _ target: String, _ action: BanAction, at: Timestamp, _ source: String, _ reason: String, in db: Database
    ) throws {
        try db.cachedStatement(sql: historyInsertSQL).execute(arguments: [
            target, action.rawValue, at.milliseconds, source, reason,
        ])
    }

    /// Decodes a row selected with `columns`.
    static func ban(from row: Row) throws -> StoredBan {
        StoredBan(
            target: try row.decode(atIndex: 0),
            createdAt: Timestamp(milliseconds: try row.decode(atIndex: 2)),
            expiresAt: Timestamp(milliseconds: try row.decode(atIndex: 1)),
            source: try row.decode(atIndex: 3),
            reason: try row.decode(atIndex: 4),
            evidenceJSON: try row.decode(atIndex: 5)
        )
    }

    /// Decodes a `ban_history` row (target, action, at_ms, source, reason).
    static func historyEntry(from row: Row) throws -> BanHistoryEntry {
        let action: String = try row.decode(atIndex: 1)
        guard let known = BanAction(rawValue: action) else {
            throw StoreError.invalidRow(table: "ban_history", reason: "unknown action '\(action)'")
        }
        return BanHistoryEntry(
            target: try row.decode(atIndex: 0), action: known,
            at: Timestamp(milliseconds: try row.decode(atIndex: 2)),
            source: try row.decode(atIndex: 3), reason: try row.decode(atIndex: 4))
    }

    // MARK: - Evidence

    /// The objects of an evidence array; the text must be a JSON array of objects.
    static func evidenceObjects(_ json: String, target: String) throws -> [[String: Any]] {
        if json == "[]" { return [] }  // an operator's or an imported ban: no trimming, no parsing
        let trimmed = json.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "[]" { return [] }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(trimmed.utf8))
        } catch {
            throw StoreError.invalidRow(table: "bans", reason: "evidence of \(target) is not JSON: \(error)")
        }
        guard let array = parsed as? [Any], let objects = array as? [[String: Any]] else {
            throw StoreError.invalidRow(table: "bans", reason: "evidence of \(target) is not a JSON array of objects")
        }
        return objects
    }

    /// Encodes evidence objects as a JSON array: duplicates (the same event reported twice)
    /// dropped, only the `StoredBan.maximumEvidence` most recent kept, keys sorted.
    static func encodeEvidence(_ objects: [[String: Any]]) throws -> String {
        var seen = Set<String>()
        var unique: [String] = []
        // Walk from the newest so a duplicate keeps its latest position, then restore order.
        for object in objects.reversed() {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            let text = String(decoding: data, as: UTF8.self)
            guard seen.insert(text).inserted else { continue }
            unique.append(text)
            if unique.count == StoredBan.maximumEvidence { break }
        }
        return "[" + unique.reversed().joined(separator: ",") + "]"
    }
}
