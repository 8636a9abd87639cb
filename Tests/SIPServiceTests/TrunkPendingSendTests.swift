import Registrar
import XCTest

@testable import SIPService

/// The trunk client's transaction timers: UDP retransmits by timer E, TCP never (timer F only).
final class TrunkPendingSendTests: XCTestCase {
    private let start = Timestamp(milliseconds: 1_000_000)
    private let destination = TrunkEndpoint(ip: "127.0.0.1", port: 5060)!

    private func at(_ offset: Int64) -> Timestamp { Timestamp(milliseconds: start.milliseconds + offset) }

    func testUDPRetransmitsAtT1DoublingToT2UntilTimerF() {
        var send = TrunkPendingSend(trunk: "carrier", bytes: [1], destination: destination, now: start)
        XCTAssertFalse(send.isRetransmitDue(now: at(499)))
        XCTAssertTrue(send.isRetransmitDue(now: at(500)))
        var times: [Int64] = []
        var now: Int64 = 0
        while now < 32_000 {
            if send.isRetransmitDue(now: at(now)) {
                times.append(now)
                send.retransmitted(now: at(now))
            }
            now += 250
        }
        XCTAssertEqual(Array(times.prefix(5)), [500, 1500, 3500, 7500, 11_500])
        XCTAssertEqual(send.deadline, at(32_000))
        send.provisionalReceived(now: at(12_000))
        XCTAssertEqual(send.nextRetransmit, at(16_000), "every T2 after a provisional response")
    }

    func testTCPNeverRetransmitsAndTimesOutAtTimerF() {
        var send = TrunkPendingSend(trunk: "carrier", bytes: [1], destination: destination, now: start, isReliable: true)
        var now: Int64 = 0
        while now <= 40_000 {
            XCTAssertFalse(send.isRetransmitDue(now: at(now)), "no retransmission at +\(now) ms over TCP")
            now += 250
        }
        send.provisionalReceived(now: at(1000))
        XCTAssertFalse(send.isRetransmitDue(now: at(5000)))
        XCTAssertEqual(send.deadline, at(32_000), "timer F, 64·T1")
        XCTAssertEqual(min(send.nextRetransmit, send.deadline), send.deadline, "the loop's next wake-up is the timeout")
    }
}
