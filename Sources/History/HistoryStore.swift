import ControlAPI
import Foundation
import GRDB
import SIPWardenPolicy

/// The registration history's SQLite file (`history.sqlite` beside the main database): the
/// append-only `events` table and the per-minute and per-hour `rollups`.
///
/// A file of its own, in WAL mode with `synchronous=NORMAL`, so its writes never share a
/// lock or an fsync with the bindings' group commits (a power cut may lose the last second
/// of history, never a binding). Mode 0600. Reads run concurrently with the one writer
/// (`HistoryRecorder`). Safe to use from any thread.
public final class HistoryStore: Sendable {
    /// The file's path.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating when missing, mode 0600) the history file at `path` and migrates it.
    ///
    /// - Throws: `HistoryStoreError` naming the path.
    public init(path: String) throws {
        self.path = path
        let manager = FileManager.default
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw HistoryStoreError.cannotOpen(path: path, reason: "cannot create directory \(directory): \(error.localizedDescription)")
        }
        // SQLite gives the -wal and -shm files the database file's mode.
        if !manager.fileExists(atPath: path), !manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw HistoryStoreError.cannotOpen(path: path, reason: "cannot create the file")
        }
        var configuration = Configuration()
        configuration.label = "HistoryStore"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // 4 MiB of page cache per connection (SQLite's default is 2): the hot index pages
            // stay in memory, and the rest is a read from the kernel's page cache. 32 MiB
            // filled as history grew and cost 280 bytes per binding of RSS at 100,000 phones.
            try db.execute(sql: "PRAGMA cache_size = -4096")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // On a new file: incremental auto-vacuum (applied by VACUUM, instant on an empty
            // file), so the retention job can hand freed pages back to the file system.
            try pool.writeWithoutTransaction { db in
                let empty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM sqlite_master)") ?? false
                if empty, try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != 2 {
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                    try db.execute(sql: "VACUUM")
                }
            }
            let migrator = HistorySchema.migrator
            let (applicationID, hasTables) = try pool.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')") ?? false
                )
            }
            if applicationID != HistorySchema.applicationID && (applicationID != 0 || hasTables) {
                throw HistoryStoreError.foreignDatabase(path: path)
            }
            try migrator.migrate(pool)
        } catch let error as HistoryStoreError {
            throw error
        } catch {
            throw HistoryStoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// Closes the file; later calls fail.
    public func close() throws { try pool.close() }

    // MARK: Writing (the recorder's thread)

    /// Appends `rows` and merges `rollups` in one transaction.
    func append(_ rows: [HistoryRow], rollups: [HistoryRollupDelta]) throws {
        try pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO events (event_id, at_ms, kind, aor, number, username, account, source_ip, source_key, source_port,
                                    transport, user_agent, contact, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in rows {
                let event = row.event
                try insert.execute(arguments: [
                    Int64(truncatingIfNeeded: event.id), event.timeMilliseconds, event.kind, event.aor, row.number, event.username,
                    row.account, event.sourceIP, row.sourceKey.map { Data($0) }, event.sourcePort, event.transport, event.userAgent,
                    event.contact, event.detail,
                ])
            }
            for delta in rollups {
                let stored = try Self.rollup(db, step: delta.stepSeconds, start: delta.startMilliseconds)
                try Self.store(delta.merged(into: stored), db)
            }
        }
    }

    private static func rollup(_ db: Database, step: Int64, start: Int64) throws -> HistoryRollupDelta? {
        try Row.fetchOne(db, sql: "SELECT * FROM rollups WHERE step_s = ? AND start_ms = ?", arguments: [step, start]).map(delta)
    }

    static func delta(_ row: Row) -> HistoryRollupDelta {
        var delta = HistoryRollupDelta(stepSeconds: row["step_s"], startMilliseconds: row["start_ms"])
        delta.activeBindings = row["active_bindings"]
        delta.registrations = row["registrations"]
        delta.refreshes = row["refreshes"]
        delta.removals = row["removals"]
        delta.failures = row["failures"]
        let text: String = row["failures_by_kind"]
        delta.failuresByKind = (try? JSONDecoder().decode([String: Int].self, from: Data(text.utf8))) ?? [:]
        delta.newSources = row["distinct_sources"]
        delta.peakPerSecond = row["peak_per_second"]
        return delta
    }

    private static func store(_ total: HistoryRollupDelta, _ db: Database) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let kinds = String(decoding: (try? encoder.encode(total.failuresByKind)) ?? Data("{}".utf8), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO rollups (step_s, start_ms, active_bindings, registrations, refreshes, removals, failures,
                                                failures_by_kind, distinct_sources, peak_per_second)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                total.stepSeconds, total.startMilliseconds, total.activeBindings, total.registrations, total.refreshes, total.removals,
                total.failures, kinds, total.newSources, total.peakPerSecond,
            ])
    }

    // MARK: Retention

    /// Deletes raw events older than `settings.retentionSeconds` and rollups older than
    /// `settings.rollupRetentionSeconds` before `nowMilliseconds`; then, while the file uses
    /// more than `settings.maxSizeBytes`, the oldest raw events (and, once none is left, the
    /// oldest rollups); then hands the freed pages back to the file system and truncates the WAL.
    @discardableResult
    public func enforceRetention(nowMilliseconds: Int64, settings: HistorySettings) throws -> HistoryRetentionResult {
        var result = HistoryRetentionResult()
        try pool.writeWithoutTransaction { db in
            try db.inTransaction {
                try db.execute(sql: "DELETE FROM events WHERE at_ms < ?", arguments: [nowMilliseconds - settings.retentionSeconds * 1000])
                result.expiredEvents = db.changesCount
                try db.execute(sql: "DELETE FROM rollups WHERE start_ms < ?", arguments: [nowMilliseconds - settings.rollupRetentionSeconds * 1000])
                result.expiredRollups = db.changesCount
                return .commit
            }
            try db.execute(sql: "PRAGMA incremental_vacuum")
            var rounds = 0
            while try Self.usedBytes(db) > settings.maxSizeBytes, rounds < 64 {
                rounds += 1
                let used = try Self.usedBytes(db)
                let excess = Double(used - settings.maxSizeBytes) / Double(used)
                let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
                if events > 0 {
                    let count = min(events, max(1000, Int(Double(events) * excess * 1.1) + 1))
                    try db.execute(sql: "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY at_ms, id LIMIT ?)", arguments: [count])
                    result.cappedEvents += db.changesCount
                } else {
                    let rollups = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rollups") ?? 0
                    guard rollups > 0 else { break }
                    let count = min(rollups, max(100, Int(Double(rollups) * excess * 1.1) + 1))
                    try db.execute(
                        sql: "DELETE FROM rollups WHERE (step_s, start_ms) IN (SELECT step_s, start_ms FROM rollups ORDER BY start_ms LIMIT ?)",
                        arguments: [count])
                    result.cappedRollups += db.changesCount
                }
                try db.execute(sql: "PRAGMA incremental_vacuum")
            }
            // The WAL keeps the size it grew to; truncated once a run, it holds at most about
            // a minute of writes beside the capped file.
            _ = try? db.checkpoint(.truncate)
            result.usedBytes = try Self.usedBytes(db)
        }
        return result
    }

    /// Bytes of the file in use: pages that are not free, times the page size.
    public func usedBytes() throws -> Int64 { try pool.read { db in try Self.usedBytes(db) } }

    private static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    /// The number of raw events stored.
    public func eventCount() throws -> Int { try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 } }
}
