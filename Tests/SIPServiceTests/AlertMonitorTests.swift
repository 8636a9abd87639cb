@testable import SIPService
import Alerts
import ControlAPI
import Foundation
import Logging
import SIPWardenPolicy
import Synchronization
import XCTest

/// The alert monitor's stepping over the minute rollups (the clock is passed to `catchUp`, the
/// rollups come from a table of the test's own): the warm-up learns without raising, each
/// minute is fed once, a row the history writes late is read at the next step, and an alert
/// becomes an `alert.raised` event.
final class AlertMonitorTests: XCTestCase {
    /// Minute start (seconds) to active bindings; what the "history" holds.
    final class Rollups: Sendable {
        let rows = Mutex<[Int64: Int]>([:])
        let reads = Mutex(0)

        func points(since: Date, until: Date) -> [TrendPoint] {
            reads.withLock { $0 += 1 }
            let from = Int64(since.timeIntervalSince1970), to = Int64(until.timeIntervalSince1970)
            return rows.withLock { rows in
                rows.keys.sorted().filter { $0 >= from && $0 <= to }.map { minute in
                    TrendPoint(startMilliseconds: minute * 1000, activeBindings: rows[minute], registrations: 5, refreshes: 5, removals: 0,
                               failures: 0, failuresByKind: [:], distinctSources: 1, peakPerSecond: 1)
                }
            }
        }
    }

    func testWarmUpLearnsSilentlyThenEachMinuteIsFedOnceAndALateRowIsReadNextTime() {
        let start: Int64 = 1_795_392_000  // a Monday, 00:00 UTC
        let rollups = Rollups()
        rollups.rows.withLock { rows in
            for minute in stride(from: start, to: start + 2 * 86_400, by: 60) { rows[minute] = 400 }
            rows[start + 86_400 + 600] = 0   // an outage yesterday: learned in the warm-up, never raised
        }
        var settings = AlertSettings()
        settings.timeZone = TimeZone(identifier: "UTC") ?? .current
        settings.raiseAfter = 1
        settings.minSamples = 30
        let recorded = Mutex<[SecurityEvent]>([])
        let monitor = AlertMonitor(settings: settings, webhook: nil, logger: Logger(label: "test"),
                                   record: { events in recorded.withLock { $0 += events } },
                                   rollups: { since, until, _ in rollups.points(since: since, until: until) })
        let now = start + 2 * 86_400          // just after the last row's minute ended
        func at(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

        XCTAssertEqual(monitor.catchUp(now: at(now + 10), emit: false), 2 * 1440, "two days learned")
        XCTAssertEqual(recorded.withLock { $0 }, [], "the warm-up raises nothing")
        XCTAssertEqual(monitor.states.first { $0.kind == .bindingsDrop }?.baseline?.expected ?? 0, 400, accuracy: 1)

        // The next minute's row is late: nothing fed, and the minute is not skipped.
        XCTAssertEqual(monitor.catchUp(now: at(now + 70), emit: true), 0)
        rollups.rows.withLock { $0[now] = 0 }   // the phones are gone
        XCTAssertEqual(monitor.catchUp(now: at(now + 80), emit: true), 1)
        let events = recorded.withLock { $0 }
        XCTAssertEqual(events.map(\.kind), [SecurityEventKind.alertRaised])
        XCTAssertEqual(events.first?.username, "alerts")
        XCTAssertTrue(events.first?.detail?.hasPrefix("warning: active bindings 0, expected 400 ± 10 (-100 %) since ") ?? false,
                      events.first?.detail ?? "")
        XCTAssertEqual(monitor.states.first { $0.kind == .bindingsDrop }?.raised, true)
        // A minute already fed is not fed again; nothing new before the next minute ends.
        XCTAssertEqual(monitor.catchUp(now: at(now + 90), emit: true), 0)
        XCTAssertEqual(recorded.withLock { $0.count }, 1)
    }
}
