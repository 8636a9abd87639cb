@testable import SIPService
import Registrar
import XCTest

/// Recently ended bindings: kept for the retention, bounded, hidden once the phone is back.
final class EndedBindingsTests: XCTestCase {
    private func binding(_ user: String) -> Binding {
        Binding(aor: "sip:\(user)@example.com", contact: "sip:\(user)@192.0.2.1", contactKey: "sip:\(user)@192.0.2.1",
                expiresAt: Timestamp(seconds: 10), registeredAt: Timestamp(seconds: 0), updatedAt: Timestamp(seconds: 0),
                callID: "c", cseq: 1, source: SourceAddress(ip: "192.0.2.1", port: 5060)!, transport: .udp)
    }

    func testEntriesLastTheRetentionAndNoLonger() {
        let ended = EndedBindings(retentionSeconds: 60)
        ended.record([binding("1001")], reason: "expired", now: Timestamp(seconds: 100))
        ended.record([binding("1002")], reason: "forced_out", now: Timestamp(seconds: 130))
        XCTAssertEqual(ended.current(now: Timestamp(seconds: 159), excluding: []).map(\.binding.aor), ["sip:1001@example.com", "sip:1002@example.com"])
        XCTAssertEqual(ended.current(now: Timestamp(seconds: 160), excluding: []).map(\.reason), ["forced_out"])
        XCTAssertEqual(ended.current(now: Timestamp(seconds: 191), excluding: []).count, 0)
    }

    func testAPhoneThatCameBackIsNotListedAndARepeatReplacesTheOldEntry() {
        let ended = EndedBindings(retentionSeconds: 60)
        ended.record([binding("1001")], reason: "expired", now: Timestamp(seconds: 0))
        ended.record([binding("1001")], reason: "unreachable", now: Timestamp(seconds: 5))
        XCTAssertEqual(ended.current(now: Timestamp(seconds: 6), excluding: []).map(\.reason), ["unreachable"])
        let live: Set = [BindingKey(aor: "sip:1001@example.com", contactKey: "sip:1001@192.0.2.1")]
        XCTAssertTrue(ended.current(now: Timestamp(seconds: 6), excluding: live).isEmpty)
    }

    func testBoundedAndRetentionZeroKeepsNothing() {
        let bounded = EndedBindings(retentionSeconds: 600, capacity: 3)
        bounded.record((1...5).map { binding("\($0)") }, reason: "expired", now: Timestamp(seconds: 0))
        XCTAssertEqual(bounded.current(now: Timestamp(seconds: 1), excluding: []).map(\.binding.aor),
                       ["sip:3@example.com", "sip:4@example.com", "sip:5@example.com"], "the oldest go first")
        let none = EndedBindings(retentionSeconds: 0)
        none.record([binding("1")], reason: "expired", now: Timestamp(seconds: 0))
        XCTAssertTrue(none.current(now: Timestamp(seconds: 0), excluding: []).isEmpty)
    }
}
