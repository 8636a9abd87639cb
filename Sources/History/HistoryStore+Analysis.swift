import ControlAPI
import Foundation
import GRDB

/// The history's answers for `analysis devices` and `analysis geo`: who registered with which
/// User-Agent, and where failed attempts came from, in a window.
extension HistoryStore {
    /// One AOR's latest User-Agent in accepted or refreshed registrations of the window.
    public struct DeviceSighting: Hashable, Sendable {
        /// The AOR.
        public var aor: String
        /// The User-Agent it registered with (the latest one when several).
        public var userAgent: String?
    }

    /// One source address of failed attempts in the window.
    public struct FailureSource: Hashable, Sendable {
        /// The source address as recorded.
        public var sourceIP: String
        /// Failed attempts from it.
        public var attempts: Int
    }

    /// Each (AOR, User-Agent) pair that registered in `[since, until]` (`register.accepted`, `register.refreshed`).
    public func deviceSightings(since: String, until: String?, now: Date) throws -> [DeviceSighting] {
        let (from, to) = try window(since: since, until: until, now: now)
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT aor, user_agent FROM events
                WHERE at_ms >= ? AND at_ms <= ? AND kind IN ('register.accepted', 'register.refreshed') AND aor IS NOT NULL
                GROUP BY aor, user_agent
                """, arguments: [from, to]).map { DeviceSighting(aor: $0["aor"], userAgent: $0["user_agent"]) }
        }
    }

    /// The source addresses of failed attempts in `[since, until]` (the kinds `analysis failures` counts), most first.
    public func failureSources(since: String, until: String?, now: Date) throws -> [FailureSource] {
        let (from, to) = try window(since: since, until: until, now: now)
        let kinds = FailureReason.byKind.keys.sorted()
        let placeholders = kinds.map { _ in "?" }.joined(separator: ", ")
        var arguments: [(any DatabaseValueConvertible)?] = [from, to]
        arguments += kinds.map { $0 }
        let statementArguments = StatementArguments(arguments)
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT source_ip, COUNT(*) AS attempts FROM events
                WHERE at_ms >= ? AND at_ms <= ? AND kind IN (\(placeholders)) AND source_ip != ''
                GROUP BY source_ip ORDER BY attempts DESC
                """, arguments: statementArguments).map { FailureSource(sourceIP: $0["source_ip"], attempts: $0["attempts"]) }
        }
    }

    /// The window in milliseconds; `until` nil is now.
    private func window(since: String, until: String?, now: Date) throws -> (Int64, Int64) {
        let from = try Self.milliseconds(since, now: now, name: "since")
        let to = try until.map { try Self.milliseconds($0, now: now, name: "until") } ?? Self.milliseconds(now)
        return (from, to)
    }
}
