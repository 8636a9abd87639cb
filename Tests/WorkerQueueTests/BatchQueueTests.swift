import Foundation
import XCTest
import Synchronization
import WorkerQueue

/// The daemon's one worker-queue mechanism: bounds, drop counts, batches, signals, closing
/// and waiting for the consumer.
final class BatchQueueTests: XCTestCase {
    func testAFullQueueRefusesAndCountsWhatDoesNotFit() {
        let queue = BatchQueue<Int>(capacity: 3, batchDelay: 0, batchSize: 100)
        XCTAssertTrue(queue.append(1))
        XCTAssertEqual(queue.append(contentsOf: [2, 3, 4, 5]), 2, "only the room left is taken")
        XCTAssertFalse(queue.append(6))
        XCTAssertEqual(queue.depth, 3)
        XCTAssertEqual(queue.droppedCount, 3)
        var batch: [Int] = []
        let taken = queue.take(into: &batch)
        XCTAssertEqual(batch, [1, 2, 3])
        XCTAssertEqual(taken, BatchQueue<Int>.Take(dropped: 3, signaled: false, stop: false))
        XCTAssertEqual(queue.depth, 0)
        XCTAssertTrue(queue.append(7), "room again after the take")
        XCTAssertEqual(queue.take(into: &batch).dropped, 0, "drops are reported once")
        XCTAssertEqual(batch, [7], "the batch is emptied before the take fills it")
        XCTAssertEqual(queue.droppedCount, 3, "the total stays")
    }

    func testASignalWakesTheConsumerWithNothingQueued() {
        let queue = BatchQueue<String>(capacity: 10, batchDelay: 5, batchSize: 10)
        let woke = expectation(description: "the consumer woke")
        let result = Mutex<BatchQueue<String>.Take?>(nil)
        Thread {
            var batch: [String] = []
            let taken = queue.take(into: &batch)
            result.withLock { $0 = taken }
            woke.fulfill()
        }.start()
        queue.signal()
        wait(for: [woke], timeout: 10)
        XCTAssertEqual(result.withLock { $0 }, BatchQueue<String>.Take(dropped: 0, signaled: true, stop: false))
    }

    func testCloseRefusesNewWorkAndStopsTheConsumerOnceDrained() {
        let queue = BatchQueue<Int>(capacity: 10, batchDelay: 5, batchSize: 10)
        queue.append(contentsOf: [1, 2])
        queue.close()
        XCTAssertFalse(queue.append(3))
        XCTAssertEqual(queue.append(contentsOf: [4, 5]), 0)
        var batch: [Int] = []
        let first = queue.take(into: &batch)
        XCTAssertEqual(batch, [1, 2], "what was queued before close is still handed over (and at once: no gathering delay)")
        XCTAssertFalse(first.stop)
        let second = queue.take(into: &batch)
        XCTAssertTrue(second.stop)
        XCTAssertEqual(batch, [])
        XCTAssertEqual(queue.droppedCount, 3)
    }

    func testWaitUntilHandledReturnsOnlyAfterTheConsumerFinishedEverythingBefore() {
        let queue = BatchQueue<Int>(capacity: 10_000, batchDelay: 0.05, batchSize: 64)
        let handled = Mutex<[Int]>([])
        let consumer = Thread {
            var batch: [Int] = []
            while true {
                let taken = queue.take(into: &batch, wakeAfter: 1)
                handled.withLock { $0.append(contentsOf: batch) }
                queue.finished(batch.count)
                if taken.stop { return }
            }
        }
        consumer.start()
        let producers = DispatchGroup()
        for producer in 0..<4 {
            DispatchQueue.global().async(group: producers) {
                for index in 0..<500 { queue.append(producer * 1000 + index) }
            }
        }
        producers.wait()
        queue.waitUntilHandled()
        let seen = handled.withLock { $0 }
        XCTAssertEqual(seen.count, 2000, "every element appended before the wait was handled")
        XCTAssertEqual(Set(seen).count, 2000)
        for producer in 0..<4 {
            let own = seen.filter { $0 / 1000 == producer }
            XCTAssertEqual(own, own.sorted(), "one producer's elements keep their order")
        }
        queue.close()
    }
}
