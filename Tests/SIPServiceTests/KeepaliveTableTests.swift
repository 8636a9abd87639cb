@testable import SIPService
import Registrar
import XCTest

/// The keepalive decisions, without sockets or clocks: misses, the unreachable mark, the
/// removal delay, answers, TCP connection state, and REGISTER refreshes as signs of life.
final class KeepaliveTableTests: XCTestCase {
    private let phone = BindingKey(aor: "sip:1001@example.com", contactKey: "sip:1001@192.0.2.1:5060")
    private var counter = 0

    private func tick(_ table: inout KeepaliveTable, at second: Int64, connected: Bool = true, transport: Transport = .udp,
                      refreshed: Int64 = 0, maxMisses: Int = 2, removeAfter: Int64 = 10) -> KeepaliveTable.TickOutcome {
        let target = KeepaliveTable.Target(key: phone, transport: transport, connected: connected, refreshedAt: Timestamp(seconds: refreshed))
        return table.tick([target], now: Timestamp(seconds: second), maxMisses: maxMisses, removeAfterMilliseconds: removeAfter * 1000) {
            counter += 1
            return "probe-\(counter)"
        }
    }

    func testUnansweredProbesMarkUnreachableThenRemove() {
        var table = KeepaliveTable()
        XCTAssertEqual(tick(&table, at: 0).probes.map(\.callID), ["probe-1"], "the first round probes")
        XCTAssertTrue(tick(&table, at: 1).unreachable.isEmpty, "one miss is not enough")
        XCTAssertEqual(table.entries[phone]?.misses, 1)
        let second = tick(&table, at: 2)
        XCTAssertEqual(second.unreachable.map(\.misses), [2], "the second miss in a row marks it")
        XCTAssertEqual(table.entries[phone]?.unreachableSince, Timestamp(seconds: 2))
        XCTAssertTrue(tick(&table, at: 3).unreachable.isEmpty, "reported once, not every round")
        XCTAssertTrue(tick(&table, at: 11).remove.isEmpty, "9 s unreachable: kept")
        let removal = tick(&table, at: 12)
        XCTAssertEqual(removal.remove, [phone], "10 s unreachable: removed")
        XCTAssertTrue(removal.probes.isEmpty)
        XCTAssertNil(table.entries[phone])
    }

    func testAnAnswerResetsTheMissesAndEndsUnreachability() {
        var table = KeepaliveTable()
        _ = tick(&table, at: 0)
        let probe = tick(&table, at: 1).probes[0].callID
        XCTAssertEqual(table.answered(callID: probe, now: Timestamp(seconds: 1))?.becameReachable, false)
        XCTAssertEqual(table.entries[phone]?.misses, 0)
        XCTAssertNil(table.answered(callID: probe, now: Timestamp(seconds: 1)), "a retransmitted answer matches nothing")
        XCTAssertNil(table.answered(callID: "someone-else", now: Timestamp(seconds: 1)), "foreign Call-IDs are ignored")
        _ = tick(&table, at: 2)
        _ = tick(&table, at: 3)
        let last = tick(&table, at: 4)
        XCTAssertEqual(table.entries[phone]?.unreachableSince, Timestamp(seconds: 4))
        let answer = table.answered(callID: last.probes[0].callID, now: Timestamp(seconds: 4))
        XCTAssertEqual(answer?.key, phone)
        XCTAssertEqual(answer?.becameReachable, true)
        XCTAssertNil(table.entries[phone]?.unreachableSince)
        XCTAssertEqual(table.entries[phone]?.lastAnswer, Timestamp(seconds: 4))
        XCTAssertFalse(table.isOutstanding(last.probes[0].callID))
    }

    func testALateAnswerToAnExpiredProbeCountsForNothing() {
        var table = KeepaliveTable()
        let first = tick(&table, at: 0).probes[0].callID
        _ = tick(&table, at: 1)
        XCTAssertNil(table.answered(callID: first, now: Timestamp(seconds: 1)), "that probe was already counted as missed")
        XCTAssertEqual(table.entries[phone]?.misses, 1)
    }

    func testTCPBindingsAreAliveWhileConnectedAndMissWhenNot() {
        var table = KeepaliveTable()
        let open = tick(&table, at: 0, connected: true, transport: .tcp)
        XCTAssertEqual(open.pings, [phone])
        XCTAssertTrue(open.probes.isEmpty, "no OPTIONS over TCP: a CRLFCRLF ping")
        XCTAssertEqual(table.entries[phone]?.lastAnswer, Timestamp(seconds: 0))
        XCTAssertTrue(tick(&table, at: 1, connected: false, transport: .tcp).pings.isEmpty)
        XCTAssertEqual(tick(&table, at: 2, connected: false, transport: .tcp).unreachable.count, 1)
        XCTAssertEqual(tick(&table, at: 3, connected: true, transport: .tcp).reachable, [phone], "reconnected: reachable again")
    }

    func testARegisterRefreshIsASignOfLife() {
        var table = KeepaliveTable()
        _ = tick(&table, at: 0, refreshed: 0)
        _ = tick(&table, at: 1, refreshed: 0)
        XCTAssertEqual(tick(&table, at: 2, refreshed: 0).unreachable.count, 1)
        let refreshed = tick(&table, at: 3, refreshed: 3)
        XCTAssertEqual(refreshed.reachable, [phone])
        XCTAssertEqual(table.entries[phone]?.misses, 0)
    }

    func testBindingsNoLongerTargetedAreForgotten() {
        var table = KeepaliveTable()
        let probe = tick(&table, at: 0).probes[0].callID
        _ = table.tick([], now: Timestamp(seconds: 1), maxMisses: 2, removeAfterMilliseconds: 0) { "x" }
        XCTAssertTrue(table.entries.isEmpty)
        XCTAssertFalse(table.isOutstanding(probe))
    }

    func testRemoveAfterZeroKeepsUnreachableBindings() {
        var table = KeepaliveTable()
        for second in 0..<100 { XCTAssertTrue(tick(&table, at: Int64(second), removeAfter: 0).remove.isEmpty) }
        XCTAssertNotNil(table.entries[phone]?.unreachableSince)
    }
}
