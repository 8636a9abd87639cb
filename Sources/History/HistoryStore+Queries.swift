import ControlAPI
import Foundation
import GRDB
import SIPWardenPolicy

/// The history's answers: events by filter, the trend per step, failed attempts grouped.
extension HistoryStore {
    /// The events `query` selects, newest first; relative times count back from `now`.
    ///
    /// - Throws: `HistoryQueryProblem` for a time or range that does not parse.
    public func events(_ query: HistoryQuery, now: Date) throws -> [HistoryEventInfo] {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let aor = query.aor {
            // The number index finds the AOR's rows (its number is its user part).
            let user = RegistrationQuery.userPart(of: aor)
            if !user.isEmpty {
                clauses.append("number = ?")
                arguments.append(user)
            }
            clauses.append("aor = ?")
            arguments.append(aor)
        }
        if let number = query.number {
            clauses.append("number = ?")
            arguments.append(number)
        }
        if let ip = query.ip {
            guard let range = IPRange(ip) else { throw HistoryQueryProblem("ip: \(IPNetwork.problem(ip) ?? "'\(ip)' is not an address or range")") }
            let (low, high) = HistoryAddressKey.bounds(range)
            clauses.append("source_key BETWEEN ? AND ?")
            arguments += [low, high]
        }
        if let account = query.account {
            clauses.append("account = ?")
            arguments.append(account)
        }
        if !query.kinds.isEmpty {
            var alternatives: [String] = []
            for kind in query.kinds {
                if kind.hasSuffix(".*") {
                    alternatives.append("substr(kind, 1, ?) = ?")
                    let prefix = String(kind.dropLast())
                    arguments += [prefix.utf8.count, prefix]
                } else {
                    alternatives.append("kind = ?")
                    arguments.append(kind)
                }
            }
            clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if let since = query.since {
            clauses.append("at_ms >= ?")
            arguments.append(try Self.milliseconds(since, now: now, name: "since"))
        }
        if let until = query.until {
            clauses.append("at_ms <= ?")
            arguments.append(try Self.milliseconds(until, now: now, name: "until"))
        }
        let limit = min(query.limit ?? HistoryQuery.defaultLimit, HistoryQuery.maxLimit)
        let sql = "SELECT * FROM events" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
            + " ORDER BY at_ms DESC, id DESC LIMIT \(limit)"
        let statementArguments = StatementArguments(arguments)
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.info)
        }
    }

    /// The trend over `query`'s window (default: the last 7 days, one-hour steps).
    public func trend(_ query: AnalysisQuery, now: Date) throws -> TrendReport {
        let step = query.step ?? .hour
        let until = try query.until.map { try Self.milliseconds($0, now: now, name: "until") } ?? Self.milliseconds(now)
        let since = try Self.milliseconds(query.since ?? "7d", now: now, name: "since")
        let stored: Int64 = step == .minute ? 60 : 3600
        let from = HistoryRollupAccumulator.start(of: since, step: step.seconds)
        let rows = try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM rollups WHERE step_s = ? AND start_ms >= ? AND start_ms <= ? ORDER BY start_ms",
                arguments: [stored, from, until])
        }
        var points: [TrendPoint] = []
        for row in rows {
            let delta = Self.delta(row)
            let start = HistoryRollupAccumulator.start(of: delta.startMilliseconds, step: step.seconds)
            let point = TrendPoint(
                startMilliseconds: start, activeBindings: delta.activeBindings, registrations: delta.registrations,
                refreshes: delta.refreshes, removals: delta.removals, failures: delta.failures, failuresByKind: delta.failuresByKind,
                distinctSources: delta.newSources, peakPerSecond: delta.peakPerSecond)
            if var last = points.last, last.startMilliseconds == start {
                // Hours folded into a day: counts add; the binding count is the latest; sources and peak the busiest hour's.
                last.activeBindings = point.activeBindings ?? last.activeBindings
                last.registrations += point.registrations
                last.refreshes += point.refreshes
                last.removals += point.removals
                last.failures += point.failures
                last.failuresByKind.merge(point.failuresByKind, uniquingKeysWith: +)
                last.distinctSources = max(last.distinctSources, point.distinctSources)
                last.peakPerSecond = max(last.peakPerSecond, point.peakPerSecond)
                points[points.count - 1] = last
            } else {
                points.append(point)
            }
        }
        return TrendReport(step: step, since: Self.date(from), until: Self.date(until), points: points)
    }

    /// Failed attempts in `query`'s window (default: the last 24 hours) per user, source and
    /// reason, most attempts first (at most `query.limit`, default 1,000 groups). `country`
    /// is left nil (the GeoIP lookup fills it).
    public func failures(_ query: AnalysisQuery, now: Date) throws -> [FailureGroup] {
        let until = try query.until.map { try Self.milliseconds($0, now: now, name: "until") } ?? Self.milliseconds(now)
        let since = try Self.milliseconds(query.since ?? "24h", now: now, name: "since")
        let limit = min(query.limit ?? 1000, HistoryQuery.maxLimit)
        let kinds = FailureReason.byKind.keys.sorted()
        let placeholders = kinds.map { _ in "?" }.joined(separator: ", ")
        // Other auth.failed details (replayed nonce-counts, forged nonces) are reasons of their own.
        let sql = """
            SELECT CASE WHEN kind = 'ban.added' THEN '' ELSE COALESCE(NULLIF(username, ''), aor, '') END AS user,
                   source_ip, kind, CASE WHEN kind = 'auth.failed' THEN detail END AS reason_detail,
                   COUNT(*) AS attempts, MIN(at_ms) AS first_ms, MAX(at_ms) AS last_ms, MAX(id) AS last_id
            FROM events
            WHERE at_ms >= ? AND at_ms <= ? AND kind IN (\(placeholders))
            GROUP BY user, source_ip, kind, reason_detail
            ORDER BY attempts DESC, last_ms DESC
            LIMIT \(limit)
            """
        var arguments: [(any DatabaseValueConvertible)?] = [since, until]
        arguments += kinds.map { $0 }
        let statementArguments = StatementArguments(arguments)
        return try pool.read { db in
            let agent = try db.cachedStatement(sql: "SELECT user_agent FROM events WHERE id = ?")
            return try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                let kind: String = row["kind"]
                let lastID: Int64 = row["last_id"]
                let userAgent = try String?.fetchOne(agent, arguments: [lastID]) ?? nil
                return FailureGroup(
                    user: row["user"], sourceIP: row["source_ip"],
                    reason: FailureReason.reason(kind: kind, detail: row["reason_detail"]) ?? kind, kind: kind,
                    count: row["attempts"], firstSeen: Self.date(row["first_ms"]), lastSeen: Self.date(row["last_ms"]), userAgent: userAgent)
            }
        }
    }

    // MARK: Helpers

    static func milliseconds(_ text: String, now: Date, name: String) throws -> Int64 {
        guard let date = HistoryTime.resolve(text, now: now) else {
            throw HistoryQueryProblem("\(name): \(HistoryTime.problem(text) ?? text)")
        }
        return milliseconds(date)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static func info(_ row: Row) -> HistoryEventInfo {
        let eventID: Int64 = row["event_id"]
        return HistoryEventInfo(
            id: UInt64(truncatingIfNeeded: eventID), timeMilliseconds: row["at_ms"], kind: row["kind"], aor: row["aor"],
            number: row["number"], username: row["username"], account: row["account"], sourceIP: row["source_ip"],
            sourcePort: row["source_port"], transport: row["transport"], userAgent: row["user_agent"], contact: row["contact"],
            detail: row["detail"])
    }
}
