@testable import PluginHost
import Foundation
import SIPWardenPolicy
import XCTest

/// The ring every plugin worker reads: one copy per event, each reader at its own pace and
/// bound, the oldest unread dropped for a reader that far behind and for it alone.
final class EventBroadcastTests: XCTestCase {
    private func event(_ index: Int) -> SecurityEvent {
        SecurityEvent(timeMilliseconds: Int64(index), kind: "auth.failed", sourceIP: "192.0.2.1", sourcePort: 5060, transport: "UDP")
    }

    private func take(_ ring: EventBroadcast, _ reader: Int, upTo limit: Int = 10_000) -> [Int] {
        (ring.take(reader, upTo: limit, until: Date(), untilTick: false) ?? []).map { Int($0.timeMilliseconds) }
    }

    func testEachReaderGetsEveryEventInOrderAtItsOwnPaceAcrossGrowth() {
        let ring = EventBroadcast(capacity: 100_000)
        let fast = ring.addReader(limit: 100_000)
        let slow = ring.addReader(limit: 100_000)
        var fastSeen: [Int] = []
        for index in 0..<5_000 {
            XCTAssertTrue(ring.publish(event(index), routine: false, wakeBatch: 256))
            if index % 7 == 0 { fastSeen += take(ring, fast) }
        }
        fastSeen += take(ring, fast)
        XCTAssertEqual(fastSeen, Array(0..<5_000), "the fast reader saw every event once, in order")
        XCTAssertEqual(ring.unread(slow), 5_000, "the slow one's events were kept while the ring grew")
        XCTAssertEqual(take(ring, slow, upTo: 256), Array(0..<256))
        XCTAssertEqual(take(ring, slow), Array(256..<5_000))
        XCTAssertFalse(ring.isIdle(slow), "a reader holding what it took is not idle")
        XCTAssertEqual(take(ring, fast), [])
        XCTAssertTrue(ring.isIdle(fast), "one that came back for more and found none is")
        XCTAssertEqual(take(ring, slow), [])
        XCTAssertTrue(ring.isIdle(slow))
    }

    func testAReaderItsBoundBehindLosesItsOldestAloneAndCountsThem() {
        let ring = EventBroadcast(capacity: 1_000)
        let bounded = ring.addReader(limit: 10)
        let other = ring.addReader(limit: 1_000)
        var refused = 0
        for index in 0..<25 where !ring.publish(event(index), routine: true, wakeBatch: 256) { refused += 1 }
        XCTAssertEqual(refused, 15, "each publish past the bound made the bounded reader drop one")
        XCTAssertEqual(ring.dropped(bounded), 15)
        XCTAssertEqual(ring.dropped(other), 0)
        XCTAssertEqual(take(ring, bounded), Array(15..<25), "it keeps the newest ten")
        XCTAssertEqual(take(ring, other), Array(0..<25), "the other reader lost nothing")
        XCTAssertEqual(ring.removeReader(bounded), 15, "removing a reader returns what it dropped")
        XCTAssertNil(ring.take(bounded, upTo: 1, until: Date(), untilTick: false), "a removed reader reads nothing")
    }

    func testAReaderSeesOnlyEventsPublishedAfterItJoinedAndAWaitingReaderIsWoken() throws {
        let ring = EventBroadcast(capacity: 100)
        let first = ring.addReader(limit: 100)
        ring.publish(event(1), routine: false, wakeBatch: 256)
        let late = ring.addReader(limit: 100)
        XCTAssertEqual(ring.unread(late), 0)
        XCTAssertEqual(take(ring, first), [1])
        let woken = expectation(description: "a waiting reader gets the next event")
        Thread.detachNewThread {
            // Waits (up to a minute) until something is published.
            let batch = ring.take(late, upTo: 10, until: Date(timeIntervalSinceNow: 60), untilTick: true) ?? []
            if batch.map(\.timeMilliseconds) == [2] { woken.fulfill() }
        }
        // Published once the reader waits: a routine event wakes a reader waiting for its tick.
        while !ring.isWaiting(late) { usleep(1000) }
        ring.publish(event(2), routine: true, wakeBatch: 256)
        wait(for: [woken], timeout: 30)
    }
}
