@testable import SIPService
import SIPWardenPolicy
import XCTest

/// Events counted per kind without a lock for the schema's kinds, with a lock for others; the
/// figures read back as the map `stats` and Prometheus show.
final class TrafficStatisticsTests: XCTestCase {
    private static func event(_ kind: String, at seconds: Int64 = 1_000) -> SecurityEvent {
        SecurityEvent(timeMilliseconds: seconds * 1000, kind: kind, sourceIP: "192.0.2.1", sourcePort: 5060, transport: "udp")
    }

    func testEventsAreCountedPerKindAndNeverSeenKindsAreAbsent() {
        let statistics = TrafficStatistics()
        XCTAssertEqual(statistics.events, [:])
        statistics.count([Self.event(SecurityEventKind.authChallenged), Self.event(SecurityEventKind.registerAccepted)])
        statistics.count([Self.event(SecurityEventKind.authChallenged), Self.event("x.future_kind"), Self.event("x.future_kind")])
        statistics.count([])
        XCTAssertEqual(statistics.events, [
            SecurityEventKind.authChallenged: 2, SecurityEventKind.registerAccepted: 1, "x.future_kind": 2,
        ])
    }

    func testAuthenticationFailuresAreCountedInTheMinuteWindow() {
        let statistics = TrafficStatistics()
        statistics.count([
            Self.event(SecurityEventKind.authFailed, at: 1_000), Self.event(SecurityEventKind.authUnknownUser, at: 1_001),
            Self.event(SecurityEventKind.authChallenged, at: 1_001), Self.event(SecurityEventKind.authFailed, at: 900),
        ])
        XCTAssertEqual(statistics.authFailures.count(nowSeconds: 1_001), 2, "the one at 900 s is outside the minute")
        XCTAssertEqual(statistics.events[SecurityEventKind.authFailed], 2)
    }

    func testCountsFromManyThreadsAddUp() {
        let statistics = TrafficStatistics()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            for _ in 0..<1_000 {
                statistics.count([Self.event(index % 2 == 0 ? SecurityEventKind.registerRefreshed : "x.other")])
            }
        }
        XCTAssertEqual(statistics.events, [SecurityEventKind.registerRefreshed: 4_000, "x.other": 4_000])
    }
}
