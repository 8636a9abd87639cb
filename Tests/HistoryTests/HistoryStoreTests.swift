import ControlAPI
import Foundation
import GRDB
@testable import History
import SIPWardenPolicy
import XCTest

/// The history store on a real SQLite file, written through the recorder's thread: filters,
/// order, survival across reopening, retention by the clock passed in, the size cap, the
/// trend and the failures' grouping.
final class HistoryStoreTests: XCTestCase {
    private func recorder(_ directory: String, clock: ManualClock, settings: HistorySettings = HistorySettings(), bindings: Int? = 7) throws
        -> HistoryRecorder
    {
        let store = try HistoryStore(path: HistorySettings.path(dataDirectory: directory))
        return HistoryRecorder(
            store: store, settings: settings, logger: testLogger, clock: { clock.now }, activeBindings: { bindings },
            accounts: { aors in Dictionary(uniqueKeysWithValues: aors.filter { $0.contains("2002") }.map { ($0, "acme") }) })
    }

    private var now: Date { Date(timeIntervalSince1970: Double(baseMilliseconds + 3_600_000) / 1000) }

    func testFiltersCombineAndEventsComeNewestFirst() throws {
        let directory = try scratchDirectory(self)
        let clock = ManualClock(baseMilliseconds)
        let history = try recorder(directory, clock: clock)
        history.record([
            historyEvent("register.accepted", at: 1000),
            historyEvent("register.refreshed", at: 2000),
            historyEvent("auth.failed", at: 3000, ip: "203.0.113.9", detail: "wrong_password"),
            historyEvent("register.accepted", at: 4000, aor: "sip:2002@example.com", username: "2002", ip: "192.0.2.77"),
            historyEvent("auth.unknown_user", at: 5000, aor: "sip:9999@example.com", username: "9999", ip: "203.0.113.10"),
            historyEvent("request.malformed", at: 6000),  // not a registration event: not kept
            historyEvent("register.removed", at: 7000, ip: "2001:db8::5"),
        ])
        history.flush()
        let store = history.store
        let all = try store.events(HistoryQuery(), now: now)
        XCTAssertEqual(all.map(\.kind), ["register.removed", "auth.unknown_user", "register.accepted", "auth.failed", "register.refreshed", "register.accepted"])
        XCTAssertEqual(all.map(\.timeMilliseconds), all.map(\.timeMilliseconds).sorted(by: >))
        XCTAssertEqual(try store.events(HistoryQuery(aor: "sip:1001@example.com", kinds: ["register.*"]), now: now).map(\.kind),
                       ["register.removed", "register.refreshed", "register.accepted"])
        XCTAssertEqual(try store.events(HistoryQuery(number: "1001", ip: "192.0.2.0/24"), now: now).map(\.kind),
                       ["register.refreshed", "register.accepted"], "the number and the range must both hold")
        XCTAssertEqual(try store.events(HistoryQuery(ip: "203.0.113.0/24", kinds: ["auth.failed", "auth.unknown_user"]), now: now).map(\.username),
                       ["9999", "1001"])
        XCTAssertEqual(try store.events(HistoryQuery(ip: "2001:db8::/32"), now: now).map(\.kind), ["register.removed"])
        XCTAssertEqual(try store.events(HistoryQuery(ip: "203.0.113.9"), now: now).map(\.detail), ["wrong_password"])
        XCTAssertEqual(try store.events(HistoryQuery(account: "acme"), now: now).map(\.aor), ["sip:2002@example.com"])
        let window = HistoryQuery(
            since: RFC3339.format(epochSeconds: (baseMilliseconds + 2000) / 1000), until: RFC3339.format(epochSeconds: (baseMilliseconds + 4000) / 1000))
        XCTAssertEqual(try store.events(window, now: now).map(\.kind), ["register.accepted", "auth.failed", "register.refreshed"])
        XCTAssertEqual(try store.events(HistoryQuery(since: "30m"), now: now), [], "everything is an hour old")
        XCTAssertEqual(try store.events(HistoryQuery(since: "2h", limit: 2), now: now).count, 2)
        let first = try XCTUnwrap(all.last)
        XCTAssertEqual(first.userAgent, "Yealink SIP-T46S 66.86.0.15")
        XCTAssertEqual(first.sourcePort, 5060)
        XCTAssertEqual(first.transport, "UDP")
        XCTAssertEqual(first.number, "1001")
        XCTAssertEqual(first.contact, "<sip:1001@192.0.2.1>")
        history.close()
    }

    func testEventsSurviveReopeningAndTheFileIsPrivate() throws {
        let directory = try scratchDirectory(self)
        let clock = ManualClock(baseMilliseconds)
        let first = try recorder(directory, clock: clock)
        first.record([historyEvent("register.accepted", at: 0), historyEvent("register.expired", at: 60_000)])
        first.close()
        try first.store.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: HistorySettings.path(dataDirectory: directory))
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let second = try recorder(directory, clock: clock)
        XCTAssertEqual(try second.store.pool.read { try Int.fetchOne($0, sql: "PRAGMA auto_vacuum") }, 2, "incremental: freed pages can go back")
        XCTAssertEqual(try second.store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "wal")
        second.record([historyEvent("register.accepted", at: 120_000)])
        second.flush()
        XCTAssertEqual(try second.store.events(HistoryQuery(), now: now).map(\.kind), ["register.accepted", "register.expired", "register.accepted"])
        XCTAssertEqual(second.statistics.eventsWritten, 1)
        second.close()
    }

    func testAForeignDatabaseIsRefusedNamingTheFile() throws {
        let directory = try scratchDirectory(self)
        let path = HistorySettings.path(dataDirectory: directory)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE other (x)") }
        try queue.close()
        XCTAssertThrowsError(try HistoryStore(path: path)) { error in
            XCTAssertTrue("\(error)".contains(path), "\(error)")
            XCTAssertTrue("\(error)".contains("not a SIPWarden history database"), "\(error)")
        }
    }

    func testRetentionRemovesRowsOlderThanItsWindowAtTheTimeGiven() throws {
        let directory = try scratchDirectory(self)
        let clock = ManualClock(baseMilliseconds)
        var settings = HistorySettings()
        settings.retentionSeconds = 86_400
        settings.rollupRetentionSeconds = 7 * 86_400
        let history = try recorder(directory, clock: clock, settings: settings)
        history.record([
            historyEvent("register.accepted", at: 0),
            historyEvent("register.refreshed", at: 2 * 86_400_000),
            historyEvent("register.refreshed", at: 5 * 86_400_000),
            historyEvent("register.refreshed", at: 9 * 86_400_000),
        ])
        history.flush()
        let store = history.store
        XCTAssertEqual(try store.eventCount(), 4)
        // Ten days on: the first three events are beyond a day, days 0 and 2 beyond a week.
        let result = try store.enforceRetention(nowMilliseconds: baseMilliseconds + 10 * 86_400_000 - 1000, settings: settings)
        XCTAssertEqual(result.expiredEvents, 3)
        XCTAssertEqual(try store.events(HistoryQuery(), now: now).map(\.timeMilliseconds), [baseMilliseconds + 9 * 86_400_000])
        XCTAssertGreaterThan(result.expiredRollups, 0)
        let trend = try store.trend(AnalysisQuery(since: "30d", step: .hour), now: Date(timeIntervalSince1970: Double(baseMilliseconds) / 1000 + 10 * 86_400))
        XCTAssertEqual(trend.points.map(\.refreshes).reduce(0, +), 2, "the rollups of day 5 (its raw event gone) and day 9 remain")
        XCTAssertEqual(trend.points.map(\.registrations).reduce(0, +), 0, "day 0's rollup is older than the week")
        XCTAssertEqual(trend.points.count, 2, "day 2's rollup is older than the week too")
        history.close()
    }

    func testTheSizeCapHoldsByDeletingTheOldestEventsFirst() throws {
        let directory = try scratchDirectory(self)
        let clock = ManualClock(baseMilliseconds)
        // The recorder keeps the default cap; the job is run by hand with a 2 MiB one.
        let history = try recorder(directory, clock: clock)
        var settings = HistorySettings()
        settings.maxSizeBytes = 2 << 20
        let padding = String(repeating: "x", count: 400)
        for batch in 0..<10 {
            history.record((0..<1000).map { index in
                historyEvent("auth.failed", at: Int64(batch * 1000 + index), ip: "203.0.113.\(index % 250)", detail: padding)
            })
        }
        history.flush()
        let store = history.store
        XCTAssertGreaterThan(try store.usedBytes(), settings.maxSizeBytes, "the test must start over the cap")
        let result = try store.enforceRetention(nowMilliseconds: baseMilliseconds + 20_000, settings: settings)
        XCTAssertLessThanOrEqual(result.usedBytes, settings.maxSizeBytes)
        XCTAssertLessThanOrEqual(try store.usedBytes(), settings.maxSizeBytes)
        XCTAssertGreaterThan(result.cappedEvents, 0)
        let remaining = try store.eventCount()
        XCTAssertEqual(remaining, 10_000 - result.cappedEvents)
        XCTAssertGreaterThan(remaining, 0, "only the excess is deleted")
        let oldest = try store.events(HistoryQuery(limit: HistoryQuery.maxLimit), now: now).map(\.timeMilliseconds).min()
        XCTAssertEqual(oldest, baseMilliseconds + Int64(result.cappedEvents), "the oldest went first")
        let fileSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: store.path)[.size] as? NSNumber).int64Value
        XCTAssertLessThanOrEqual(fileSize, settings.maxSizeBytes, "freed pages go back to the file system")
        history.close()
    }

    func testTheTrendFromTheRollupsAndItsPeakToSteadyRatio() throws {
        let directory = try scratchDirectory(self)
        let clock = ManualClock(baseMilliseconds)
        let history = try recorder(directory, clock: clock, bindings: 50)
        // Minute 0: 60 refreshes spread one a second; minute 1: the same; minute 2: a storm of
        // 30 new bindings in one second and 2 failures.
        var events: [SecurityEvent] = []
        for minute in 0..<2 {
            for second in 0..<60 { events.append(historyEvent("register.refreshed", at: Int64(minute * 60 + second) * 1000)) }
        }
        for index in 0..<30 { events.append(historyEvent("register.accepted", at: 120_000 + Int64(index), ip: "192.0.2.\(index + 1)")) }
        events.append(historyEvent("auth.failed", at: 121_000, ip: "203.0.113.9", detail: "wrong_password"))
        events.append(historyEvent("auth.stale_nonce", at: 122_000, ip: "203.0.113.9"))
        clock.set(baseMilliseconds + 150_000)
        history.record(events)
        history.flush()
        let at = Date(timeIntervalSince1970: Double(baseMilliseconds + 170_000) / 1000)
        let minutes = try history.store.trend(AnalysisQuery(since: "1h", step: .minute), now: at)
        XCTAssertEqual(minutes.points.map(\.startMilliseconds), [0, 60_000, 120_000].map { baseMilliseconds + $0 })
        XCTAssertEqual(minutes.points.map(\.refreshes), [60, 60, 0])
        XCTAssertEqual(minutes.points.map(\.registrations), [0, 0, 30])
        XCTAssertEqual(minutes.points.map(\.peakPerSecond), [1, 1, 30])
        XCTAssertEqual(minutes.points.map(\.failures), [0, 0, 2])
        XCTAssertEqual(minutes.points[2].failuresByKind, ["auth.failed": 1, "auth.stale_nonce": 1])
        XCTAssertEqual(minutes.points[2].distinctSources, 31)
        XCTAssertEqual(minutes.points[2].activeBindings, 50, "the sample taken at the writer's clock, minute 2")
        XCTAssertEqual(minutes.steadyPerSecond, 1, accuracy: 1e-9, "the median of 1, 1 and 0.5 per second")
        XCTAssertEqual(minutes.peakPerSecond, 30)
        XCTAssertEqual(try XCTUnwrap(minutes.peakToSteady), 30, accuracy: 1e-9)
        let hours = try history.store.trend(AnalysisQuery(since: "1h", step: .hour), now: at)
        XCTAssertEqual(hours.points.count, 1)
        XCTAssertEqual(hours.points[0].refreshes, 120)
        XCTAssertEqual(hours.points[0].registrations, 30)
        XCTAssertEqual(hours.points[0].peakPerSecond, 30)
        let days = try history.store.trend(AnalysisQuery(since: "2d", step: .day), now: at)
        XCTAssertEqual(days.points.map(\.successfulRegisters), [150])
        XCTAssertEqual(days.points.first?.startMilliseconds, baseMilliseconds - 10 * 3_600_000, "a UTC day starts at midnight")
        history.close()
    }

    func testFailuresAreGroupedPerUserSourceAndReasonMostFirst() throws {
        let directory = try scratchDirectory(self)
        let clock = ManualClock(baseMilliseconds)
        let history = try recorder(directory, clock: clock)
        var events: [SecurityEvent] = []
        for index in 0..<5 {
            events.append(historyEvent("auth.failed", at: Int64(index) * 1000, ip: "203.0.113.9", userAgent: index == 4 ? "friendly-scanner" : "sipcli", detail: "wrong_password"))
        }
        for index in 0..<3 {
            events.append(historyEvent("auth.unknown_user", at: 10_000 + Int64(index), aor: "sip:\(500 + index)@example.com", username: nil, ip: "198.51.100.4"))
        }
        events.append(historyEvent("auth.unknown_user", at: 20_000, aor: "sip:500@example.com", username: nil, ip: "198.51.100.4"))
        events.append(historyEvent("acl.denied", at: 30_000, ip: "192.0.2.200"))
        events.append(historyEvent("auth.failed", at: 40_000, ip: "203.0.113.9", detail: "nonce_count_replay"))
        events.append(historyEvent("register.accepted", at: 50_000))
        history.record(events)
        history.flush()
        let groups = try history.store.failures(AnalysisQuery(since: "2h"), now: now)
        XCTAssertEqual(groups.first?.user, "1001")
        XCTAssertEqual(groups.first?.sourceIP, "203.0.113.9")
        XCTAssertEqual(groups.first?.reason, "wrong password")
        XCTAssertEqual(groups.first?.count, 5)
        XCTAssertEqual(groups.first?.userAgent, "friendly-scanner", "the latest attempt's User-Agent")
        XCTAssertEqual(groups.first.map { RFC3339.format($0.firstSeen) }, RFC3339.format(epochSeconds: baseMilliseconds / 1000))
        XCTAssertEqual(groups.first.map { RFC3339.format($0.lastSeen) }, RFC3339.format(epochSeconds: baseMilliseconds / 1000 + 4))
        XCTAssertNil(groups.first?.country)
        XCTAssertEqual(groups[1].user, "sip:500@example.com", "no username: the AOR")
        XCTAssertEqual(groups[1].reason, "unknown user")
        XCTAssertEqual(groups[1].count, 2)
        let reasons = Set(groups.map(\.reason))
        XCTAssertEqual(reasons, ["wrong password", "unknown user", "ACL", "nonce count replay"])
        XCTAssertEqual(groups.map(\.count).reduce(0, +), 11)
        XCTAssertEqual(groups.map(\.count), groups.map(\.count).sorted(by: >))
        history.close()
    }

    func testAFullQueueDropsAndCountsInsteadOfBlocking() throws {
        let directory = try scratchDirectory(self)
        let clock = ManualClock(baseMilliseconds)
        var settings = HistorySettings()
        settings.queueCapacity = 10
        let history = try recorder(directory, clock: clock, settings: settings)
        history.record((0..<25).map { historyEvent("register.refreshed", at: Int64($0)) })
        history.flush()
        let statistics = history.statistics
        XCTAssertEqual(statistics.eventsDropped, 15)
        XCTAssertEqual(statistics.eventsWritten, 10)
        XCTAssertEqual(try history.store.eventCount(), 10)
        history.close()
    }
}
