@testable import SecurityLog
import Foundation
import SIPWardenPolicy
import XCTest


/// The security log's flood bounds (`SecurityLogLimiter`) on a test clock: folding per (kind,
/// source), the cap per kind, the bounded tables, and that every event is accounted for once.
final class SecurityLogLimiterTests: XCTestCase {
    private let t0: Int64 = 1_764_201_600_000

    private func limiter(repeatAfter: Int = 5, interval: Int64 = 60, perSecond: Int = 200, sources: Int = 10_000) -> SecurityLogLimiter {
        SecurityLogLimiter(limits: SecurityLogLimits(
            repeatAfter: repeatAfter, repeatInterval: interval, maxLinesPerSecond: perSecond, maxSources: sources))
    }

    /// Written lines, and the events the summaries stand for, split by summary kind.
    private struct Tally {
        var written = 0
        var repeated = 0
        var suppressed = 0
        var summaries: [SecurityLogLimiter.Summary] = []
        var total: Int { written + repeated + suppressed }

        mutating func take(_ limiter: inout SecurityLogLimiter) {
            for summary in limiter.takeReady() {
                summaries.append(summary)
                switch summary {
                case .repeated: repeated += summary.count
                case .suppressed: suppressed += summary.count
                }
            }
        }
    }

    func testTheFirstNPerSourceAreWrittenAndTheRestBecomeOneSummaryAtTheEndOfTheInterval() {
        var limiter = limiter()
        var tally = Tally()
        for index in 0..<1_000 {
            if limiter.admit(kind: "request.malformed", sourceIP: "192.0.2.7", nowMilliseconds: t0 + Int64(index)) { tally.written += 1 }
            limiter.expire(nowMilliseconds: t0 + Int64(index))
            tally.take(&limiter)
        }
        XCTAssertEqual(tally.written, 5, "the first 5 are written as before")
        XCTAssertTrue(tally.summaries.isEmpty, "no summary before the interval ends")

        limiter.expire(nowMilliseconds: t0 + 59_999)
        tally.take(&limiter)
        XCTAssertTrue(tally.summaries.isEmpty, "still inside the interval")
        limiter.expire(nowMilliseconds: t0 + 60_000)
        tally.take(&limiter)
        XCTAssertEqual(tally.summaries, [.repeated(kind: "request.malformed", sourceIP: "192.0.2.7", count: 995,
                                                   firstMilliseconds: t0 + 5, lastMilliseconds: t0 + 999, timeMilliseconds: t0 + 60_000)])
        XCTAssertEqual(tally.total, 1_000)
        XCTAssertEqual(limiter.trackedSources, 0, "an ended window is forgotten")

        // The next interval starts afresh: 5 more lines.
        var again = 0
        for index in 0..<10 where limiter.admit(kind: "request.malformed", sourceIP: "192.0.2.7", nowMilliseconds: t0 + 61_000 + Int64(index)) {
            again += 1
        }
        XCTAssertEqual(again, 5)
    }

    func testKindsAndSourcesAreFoldedSeparately() {
        var limiter = limiter(repeatAfter: 3)
        var written: [String: Int] = [:]
        for index in 0..<20 {
            for (kind, ip) in [("auth.failed", "192.0.2.7"), ("auth.failed", "192.0.2.8"), ("request.options", "192.0.2.7")]
            where limiter.admit(kind: kind, sourceIP: ip, nowMilliseconds: t0 + Int64(index)) {
                written["\(kind) \(ip)", default: 0] += 1
            }
        }
        XCTAssertEqual(written, ["auth.failed 192.0.2.7": 3, "auth.failed 192.0.2.8": 3, "request.options 192.0.2.7": 3])
        limiter.drain(nowMilliseconds: t0 + 100)
        let summaries = limiter.takeReady()
        XCTAssertEqual(Set(summaries.map(\.count)), [17])
        XCTAssertEqual(summaries.count, 3, "one summary per (kind, source)")
    }

    func testEventsWithoutASourceAndBindingStateKindsAreNeverFolded() {
        var limiter = limiter(repeatAfter: 2)
        var written = 0
        for index in 0..<50 {
            if limiter.admit(kind: "alert.raised", sourceIP: "", nowMilliseconds: t0 + Int64(index)) { written += 1 }
            if limiter.admit(kind: "register.refreshed", sourceIP: "192.0.2.7", nowMilliseconds: t0 + Int64(index)) { written += 1 }
        }
        XCTAssertEqual(written, 100)
        XCTAssertEqual(limiter.trackedSources, 0)
    }

    func testRepeatAfterZeroWritesEveryLine() {
        var limiter = limiter(repeatAfter: 0, perSecond: 0)
        XCTAssertEqual((0..<5_000).filter { limiter.admit(kind: "request.malformed", sourceIP: "192.0.2.7", nowMilliseconds: t0 + Int64($0)) }.count, 5_000)
        XCTAssertFalse(limiter.hasPending)
    }

    func testTheCapPerKindBoundsAFloodFromManyAddressesAndCountsTheRestPerSecond() {
        var limiter = limiter(repeatAfter: 5, perSecond: 200)
        var tally = Tally()
        // 10,000 addresses, one event each, all within one second: nothing to fold, the cap bites.
        for index in 0..<10_000 {
            let now = t0 + Int64(index / 20)  // 500 ms in all
            if limiter.admit(kind: "request.malformed", sourceIP: "10.0.\(index / 256).\(index % 256)", nowMilliseconds: now) { tally.written += 1 }
            tally.take(&limiter)
        }
        XCTAssertEqual(tally.written, 200)
        XCTAssertTrue(tally.summaries.isEmpty, "the suppressed count is written once the second is over")
        limiter.expire(nowMilliseconds: t0 + 1_000)
        tally.take(&limiter)
        XCTAssertEqual(tally.summaries, [.suppressed(kind: "request.malformed", count: 9_800, firstMilliseconds: t0 + 10,
                                                     lastMilliseconds: t0 + 499, timeMilliseconds: t0 + 1_000)])
        // Another kind has its own budget.
        XCTAssertTrue(limiter.admit(kind: "auth.failed", sourceIP: "10.9.9.9", nowMilliseconds: t0 + 1_001))
        XCTAssertEqual(tally.total, 10_000)
    }

    func testSummaryLinesCountAgainstTheCapAndWhatDoesNotFitIsSuppressedNotLost() {
        // 300 sources each over the fold limit: at the interval's end 300 summaries want out,
        // but the kind may write only 100 lines a second.
        var limiter = limiter(repeatAfter: 1, interval: 10, perSecond: 100)
        var tally = Tally()
        for second in 0..<3 {
            for index in 0..<100 {
                let ip = "10.1.\(second).\(index)"
                let now = t0 + Int64(second) * 1_000
                for _ in 0..<4 where limiter.admit(kind: "auth.failed", sourceIP: ip, nowMilliseconds: now) { tally.written += 1 }
            }
            limiter.expire(nowMilliseconds: t0 + Int64(second) * 1_000)
            tally.take(&limiter)
        }
        XCTAssertEqual(tally.written, 300)
        limiter.expire(nowMilliseconds: t0 + 20_000)
        tally.take(&limiter)
        let repeatedLines = tally.summaries.filter { if case .repeated = $0 { true } else { false } }
        XCTAssertEqual(repeatedLines.count, 100, "the cap holds for summaries too")
        limiter.expire(nowMilliseconds: t0 + 21_000)
        tally.take(&limiter)
        XCTAssertEqual(tally.total, 1_200, "every event is in a line, a repeated count or a suppressed count")
        XCTAssertEqual(tally.suppressed, 200 * 3)
        XCTAssertFalse(limiter.hasPending)
    }

    func testRotatingAddressesCannotGrowTheSourceTableAndEvictedCountsAreNotLost() {
        var limiter = limiter(repeatAfter: 2, interval: 60, perSecond: 0, sources: 100)
        var tally = Tally()
        for index in 0..<10_000 {
            let ip = "10.2.\(index / 256).\(index % 256)"
            for _ in 0..<3 where limiter.admit(kind: "request.options", sourceIP: ip, nowMilliseconds: t0 + Int64(index)) { tally.written += 1 }
            XCTAssertLessThanOrEqual(limiter.trackedSources, 100)
            tally.take(&limiter)
        }
        limiter.drain(nowMilliseconds: t0 + 20_000)
        tally.take(&limiter)
        XCTAssertEqual(tally.written, 20_000)
        XCTAssertEqual(tally.repeated, 10_000, "each address's third event is in its summary, evicted or drained")
        XCTAssertEqual(limiter.trackedSources, 0)
    }

    func testTheKindTableIsBoundedToo() {
        var limiter = limiter(repeatAfter: 0, perSecond: 1)
        var written = 0
        for index in 0..<1_000 where limiter.admit(kind: "plugin.kind\(index)", sourceIP: "", nowMilliseconds: t0) { written += 1 }
        XCTAssertEqual(written, SecurityLogLimiter.maxKinds + 1, "one line per tracked kind, one for all the others")
        limiter.drain(nowMilliseconds: t0 + 1)
        XCTAssertEqual(limiter.takeReady(), [.suppressed(kind: SecurityLogLimiter.otherKinds, count: 1_000 - SecurityLogLimiter.maxKinds - 1,
                                                         firstMilliseconds: t0, lastMilliseconds: t0, timeMilliseconds: t0 + 1)])
    }

    func testAClockSteppingBackStartsANewWindowInsteadOfStallingOne() {
        var limiter = limiter(repeatAfter: 1)
        XCTAssertTrue(limiter.admit(kind: "auth.failed", sourceIP: "192.0.2.7", nowMilliseconds: t0))
        XCTAssertFalse(limiter.admit(kind: "auth.failed", sourceIP: "192.0.2.7", nowMilliseconds: t0 + 1))
        XCTAssertTrue(limiter.admit(kind: "auth.failed", sourceIP: "192.0.2.7", nowMilliseconds: t0 - 3_600_000), "stepped back an hour")
        XCTAssertEqual(limiter.takeReady().map(\.count), [1], "the old window's repeat is summarised")
    }

    /// The log itself: a flood from one source through a real file, with a test clock.
    func testTheSecurityLogWritesTheFirstLinesAndASummaryWithTheCount() throws {
        let directory = NSTemporaryDirectory() + "SecurityLogLimiterTests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/security.log"
        let clock = Clock(t0)
        let log = try SecurityLog(
            path: path, limits: SecurityLogLimits(repeatAfter: 10, repeatInterval: 60, maxLinesPerSecond: 200, maxSources: 100),
            clock: { clock.now })
        for id in 1...5_000 {
            log.record(SecurityEvent(id: UInt64(id), timeMilliseconds: t0, kind: "request.malformed", sourceIP: "192.0.2.66",
                                     sourcePort: 5060, transport: "UDP", detail: "garbage \(id)"))
        }
        log.flush()
        clock.now = t0 + 61_000
        log.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(lines.filter { $0["type"] as? String == "event" }.count, 10)
        let summaries = lines.filter { $0["kind"] as? String == "log.repeated" }
        XCTAssertEqual(summaries.count, 1)
        XCTAssertEqual(summaries.first?["count"] as? Int, 4_990)
        XCTAssertEqual(summaries.first?["repeated_kind"] as? String, "request.malformed")
        XCTAssertEqual(summaries.first?["source_ip"] as? String, "192.0.2.66")
        XCTAssertEqual(summaries.first?["type"] as? String, "summary")
        XCTAssertEqual(log.statistics.written, 11)
        XCTAssertEqual(log.statistics.withheld, 4_990)
        XCTAssertEqual(log.statistics.failed, 0)
    }

    /// The summary lines' exact shape (what docs/events.md shows and the fail2ban samples hold).
    func testSummaryLinesAreSortedJSONWithEscapedValues() {
        let repeated = SecurityLogLine.summaryLine(.repeated(kind: "request.malformed", sourceIP: "192.0.2.7", count: 995,
                                                             firstMilliseconds: 1, lastMilliseconds: 2, timeMilliseconds: 3))
        XCTAssertEqual(String(decoding: repeated, as: UTF8.self),
                       #"{"count":995,"first_time_ms":1,"kind":"log.repeated","last_time_ms":2,"repeated_kind":"request.malformed","source_ip":"192.0.2.7","time_ms":3,"type":"summary","v":1}"# + "\n")
        let suppressed = SecurityLogLine.summaryLine(.suppressed(kind: "x\"\n", count: 7, firstMilliseconds: 1, lastMilliseconds: 2, timeMilliseconds: 3))
        XCTAssertEqual(String(decoding: suppressed, as: UTF8.self),
                       #"{"count":7,"first_time_ms":1,"kind":"log.suppressed","last_time_ms":2,"suppressed_kind":"x\"\n","time_ms":3,"type":"summary","v":1}"# + "\n")
    }
}

/// A settable clock shared with the log's writer thread.
private final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64
    init(_ value: Int64) { self.value = value }
    var now: Int64 {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
