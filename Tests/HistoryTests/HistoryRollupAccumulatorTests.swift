@testable import History
import SIPWardenPolicy
import XCTest

/// The rollups of a synthetic sequence, exactly: counts per kind, distinct sources, the peak
/// second, the binding samples, and deltas that add up over several drains.
final class HistoryRollupAccumulatorTests: XCTestCase {
    /// 2026-12-01T10:00:00Z.
    private let base: Int64 = 1_764_583_200_000

    private func event(_ kind: String, at offset: Int64, ip: String = "192.0.2.1") -> SecurityEvent {
        SecurityEvent(timeMilliseconds: base + offset, kind: kind, sourceIP: ip, sourcePort: 5060, transport: "UDP", aor: "sip:1001@example.com")
    }

    func testASyntheticMinuteRollsUpExactly() {
        var accumulator = HistoryRollupAccumulator()
        // Second 0: three new bindings from two sources; second 1: one refresh; second 5: a removal,
        // a lapse, a forced-out; failures of three kinds; a ban (not a failure in the trend).
        for (kind, offset, ip) in [
            ("register.accepted", 100, "192.0.2.1"), ("register.accepted", 200, "192.0.2.2"), ("register.accepted", 900, "192.0.2.1"),
            ("register.refreshed", 1500, "192.0.2.1"), ("register.removed", 5000, "192.0.2.1"), ("register.expired", 5100, ""),
            ("register.forced_out", 5200, "192.0.2.1"), ("auth.failed", 6000, "203.0.113.9"), ("auth.failed", 6001, "203.0.113.9"),
            ("auth.unknown_user", 7000, "203.0.113.10"), ("acl.denied", 8000, "198.51.100.4"), ("ban.added", 9000, "203.0.113.9"),
        ] as [(String, Int64, String)] {
            accumulator.add(event(kind, at: offset, ip: ip))
        }
        accumulator.sample(activeBindings: 41, atMilliseconds: base + 10_000)
        accumulator.sample(activeBindings: 42, atMilliseconds: base + 59_000)
        let deltas = accumulator.drain(nowMilliseconds: base + 59_500)
        XCTAssertEqual(deltas.map(\.stepSeconds), [60, 3600], "one minute row and one hour row")
        for delta in deltas {
            XCTAssertEqual(delta.startMilliseconds, base)
            XCTAssertEqual(delta.registrations, 3)
            XCTAssertEqual(delta.refreshes, 1)
            XCTAssertEqual(delta.removals, 3)
            XCTAssertEqual(delta.failures, 4)
            XCTAssertEqual(delta.failuresByKind, ["auth.failed": 2, "auth.unknown_user": 1, "acl.denied": 1])
            XCTAssertEqual(delta.newSources, 5, "192.0.2.1, 192.0.2.2, 203.0.113.9, 203.0.113.10, 198.51.100.4")
            XCTAssertEqual(delta.peakPerSecond, 3, "three successful REGISTERs in second 0")
            XCTAssertEqual(delta.activeBindings, 42, "the latest sample of the step")
        }
    }

    func testDeltasOfSeveralDrainsAddUpToTheTotals() {
        var accumulator = HistoryRollupAccumulator()
        accumulator.add(event("register.accepted", at: 0))
        accumulator.add(event("register.accepted", at: 10))
        let first = accumulator.drain(nowMilliseconds: base + 1000)
        accumulator.add(event("register.accepted", at: 20, ip: "192.0.2.7"))
        accumulator.add(event("register.refreshed", at: 30))
        accumulator.add(event("register.accepted", at: 61_000))
        let second = accumulator.drain(nowMilliseconds: base + 62_000)
        let minuteRows = (first + second).filter { $0.stepSeconds == 60 && $0.startMilliseconds == base }
        let total = minuteRows.dropFirst().reduce(minuteRows[0]) { $1.merged(into: $0) }
        XCTAssertEqual(total.registrations, 3)
        XCTAssertEqual(total.refreshes, 1)
        XCTAssertEqual(total.newSources, 2, "192.0.2.1 counted once over both drains")
        XCTAssertEqual(total.peakPerSecond, 4, "all four in second 0")
        let nextMinute = second.filter { $0.stepSeconds == 60 && $0.startMilliseconds == base + 60_000 }
        XCTAssertEqual(nextMinute.map(\.registrations), [1])
        let hour = (first + second).filter { $0.stepSeconds == 3600 }
        XCTAssertEqual(hour.dropFirst().reduce(hour[0]) { $1.merged(into: $0) }.registrations, 4)
    }

    func testAStepEndedLongAgoIsForgottenAndADrainWithNothingNewIsEmpty() {
        var accumulator = HistoryRollupAccumulator()
        accumulator.add(event("register.accepted", at: 0))
        XCTAssertEqual(accumulator.drain(nowMilliseconds: base + 1000).count, 2)
        XCTAssertEqual(accumulator.drain(nowMilliseconds: base + 2000), [], "nothing changed")
        XCTAssertEqual(accumulator.minute(at: base + 2000).registrations, 1)
        _ = accumulator.drain(nowMilliseconds: base + 3 * 3_600_000)
        XCTAssertEqual(accumulator.minute(at: base + 2000).registrations, 0, "forgotten after two steps")
    }
}
