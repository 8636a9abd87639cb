import NIOCore
import NIOPosix
import Synchronization
import XCTest

@testable import Daemon

/// The sweep, the drift check and the keepalive round are started by an event loop's timer
/// but run on `BackgroundWork`'s thread: never on a SIP event loop.
final class BackgroundWorkTests: XCTestCase {
    func testRepeatedWorkRunsOffTheEventLoopThatTimesIt() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let background = BackgroundWork()
        // What each run saw: whether it was on the timing loop, or on any NIO event loop.
        let runs = Mutex<[(onTimingLoop: Bool, onAnyEventLoop: Bool)]>([])
        let threeRuns = expectation(description: "three runs")
        threeRuns.expectedFulfillmentCount = 3
        threeRuns.assertForOverFulfill = false
        let task = background.repeatedly(every: .milliseconds(1), initialDelay: .zero, on: loop) {
            runs.withLock { $0.append((loop.inEventLoop, MultiThreadedEventLoopGroup.currentEventLoop != nil)) }
            threeRuns.fulfill()
        }
        await fulfillment(of: [threeRuns], timeout: 60)
        task.cancel()
        await background.shutdown()
        try await group.shutdownGracefully()

        let seen = runs.withLock { $0 }
        XCTAssertGreaterThanOrEqual(seen.count, 3)
        XCTAssertFalse(seen.contains { $0.onTimingLoop }, "a run was on the event loop that timed it")
        XCTAssertFalse(seen.contains { $0.onAnyEventLoop }, "a run was on an event loop thread")
    }

    /// The control: the same observation made from a task scheduled directly on the loop
    /// (how the sweep ran before) does see the loop, so the test above can fail.
    func testWorkScheduledOnTheLoopItselfIsSeenOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let seen = try await loop.submit { (loop.inEventLoop, MultiThreadedEventLoopGroup.currentEventLoop != nil) }.get()
        try await group.shutdownGracefully()
        XCTAssertTrue(seen.0)
        XCTAssertTrue(seen.1)
    }
}
