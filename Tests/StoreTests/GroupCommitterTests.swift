import Foundation
import GRDB
import Registrar
import XCTest

@testable import Store

final class GroupCommitterTests: StoreTestCase {
    /// Submits `first` and holds the committer inside its completion until `release` is
    /// signalled, so everything submitted meanwhile queues up for the next transaction.
    private func holdCommitter(_ committer: GroupCommitter, first: BindingChange) -> (release: DispatchSemaphore, done: XCTestExpectation) {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = expectation(description: "first completion")
        committer.submit([first]) { error in
            XCTAssertNil(error)
            entered.signal()
            _ = release.wait(timeout: .now() + 30)
            done.fulfill()
        }
        XCTAssertEqual(entered.wait(timeout: .now() + 30), .success)
        return (release, done)
    }

    func testTenThousandConcurrentCommitsAllLandAndSurviveReopening() async throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store)
        let bindings = (0..<10_000).map { makeBinding($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for slice in 0..<8 {  // several submitting tasks, each with many commits in flight
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { inner in
                        for b in bindings[(slice * 1250)..<((slice + 1) * 1250)] {
                            inner.addTask { try await committer.commit([.upsert(b)]) }
                        }
                        try await inner.waitForAll()
                    }
                }
            }
            try await group.waitForAll()
        }
        let stats = committer.statistics
        XCTAssertEqual(stats.changesCommitted, 10_000)
        XCTAssertEqual(stats.failedTransactions, 0)
        XCTAssertLessThanOrEqual(stats.transactions, 10_000)
        print("10,000 concurrent commits: \(stats.transactions) transactions, largest batch \(stats.largestBatch)")
        await committer.drainAndStop()
        try store.close()

        let reopened = try SIPWardenStore(path: path)
        XCTAssertEqual(try reopened.bindingCount(), 10_000)
        XCTAssertEqual(Set(try reopened.loadBindings()), Set(bindings))
    }

    func testEveryCompletionRunsExactlyOnceWithSubmittersOnManyThreads() throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store, maxBatch: 64)
        let count = 2_000
        let calls = LockedState([Int](repeating: 0, count: count))
        let all = expectation(description: "all completions")
        all.expectedFulfillmentCount = count
        let bindings = (0..<count).map { makeBinding($0) }
        DispatchQueue.concurrentPerform(iterations: count) { i in
            committer.submit([.upsert(bindings[i])]) { error in
                XCTAssertNil(error)
                calls.withLock { $0[i] += 1 }
                all.fulfill()
            }
        }
        wait(for: [all], timeout: 120)
        XCTAssertEqual(calls.withLock { $0 }, [Int](repeating: 1, count: count))
        XCTAssertEqual(try store.bindingCount(), count)
        XCTAssertLessThanOrEqual(committer.statistics.largestBatch, 64)
    }

    func testACompletionRunsOnlyOnceAnotherConnectionCanSeeTheChange() throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store)
        let count = 40
        let path = self.path
        let seen = LockedState([Bool](repeating: false, count: count))
        let all = expectation(description: "all completions")
        all.expectedFulfillmentCount = count
        for i in 0..<count {
            let b = makeBinding(i)
            committer.submit([.upsert(b)]) { error in
                XCTAssertNil(error)
                // A brand-new connection, as the restarted process after kill -9 would open.
                let visible = try? Self.rawConnection(at: path, readonly: true).read { db in
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM bindings WHERE aor = ? AND contact_key = ?)",
                        arguments: [b.aor, b.contactKey])
                }
                seen.withLock { $0[i] = visible == true }
                all.fulfill()
            }
        }
        wait(for: [all], timeout: 60)
        XCTAssertEqual(seen.withLock { $0 }, [Bool](repeating: true, count: count))
    }

    func testSubmissionsQueuedDuringACommitShareTheNextTransaction() throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store)
        let held = holdCommitter(committer, first: .upsert(makeBinding(0)))
        let rest = expectation(description: "queued completions")
        rest.expectedFulfillmentCount = 50
        for i in 1...50 {
            committer.submit([.upsert(makeBinding(i))]) { error in
                XCTAssertNil(error)
                rest.fulfill()
            }
        }
        held.release.signal()
        wait(for: [held.done, rest], timeout: 60)
        XCTAssertEqual(committer.statistics, GroupCommitStatistics(transactions: 2, changesCommitted: 51, largestBatch: 50))
        XCTAssertEqual(try store.bindingCount(), 51)
    }

    func testUnderLoadTheWriterWaitsTheGatherDelaySoLaterSubmissionsJoinTheNextTransaction() throws {
        // The delay is the longest allowed (1 s), so the submission made right after the
        // release lands inside it however slow the machine is.
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store, gatherDelay: .seconds(1))
        let held = holdCommitter(committer, first: .upsert(makeBinding(0)))
        let rest = expectation(description: "the two later completions")
        rest.expectedFulfillmentCount = 2
        committer.submit([.upsert(makeBinding(1))]) { error in
            XCTAssertNil(error)
            rest.fulfill()
        }
        held.release.signal()
        // Submitted after the first transaction ended, while the writer waits: same transaction as binding 1.
        committer.submit([.upsert(makeBinding(2))]) { error in
            XCTAssertNil(error)
            rest.fulfill()
        }
        wait(for: [held.done, rest], timeout: 60)
        XCTAssertEqual(committer.statistics, GroupCommitStatistics(transactions: 2, changesCommitted: 3, largestBatch: 2))
        XCTAssertEqual(try store.bindingCount(), 3)
    }

    func testWithoutAGatherDelayTheQueuedSubmissionCommitsAsSoonAsTheLastTransactionEnds() throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store, gatherDelay: .zero)
        let held = holdCommitter(committer, first: .upsert(makeBinding(0)))
        let queued = expectation(description: "the queued completion")
        committer.submit([.upsert(makeBinding(1))]) { error in
            XCTAssertNil(error)
            queued.fulfill()
        }
        held.release.signal()
        wait(for: [held.done, queued], timeout: 60)
        // Only now, after binding 1 committed: a transaction of its own.
        let last = expectation(description: "the last completion")
        committer.submit([.upsert(makeBinding(2))]) { error in
            XCTAssertNil(error)
            last.fulfill()
        }
        wait(for: [last], timeout: 60)
        XCTAssertEqual(committer.statistics, GroupCommitStatistics(transactions: 3, changesCommitted: 3, largestBatch: 1))
    }

    func testMaxBatchLimitsTransactionsButNeverSplitsASubmission() throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store, maxBatch: 10)
        let held = holdCommitter(committer, first: .upsert(makeBinding(0)))
        let rest = expectation(description: "queued completions")
        rest.expectedFulfillmentCount = 51
        for i in 1...50 {
            committer.submit([.upsert(makeBinding(i))]) { error in
                XCTAssertNil(error)
                rest.fulfill()
            }
        }
        committer.submit((100..<125).map { .upsert(makeBinding($0)) }) { error in
            XCTAssertNil(error)
            rest.fulfill()
        }
        held.release.signal()
        wait(for: [held.done, rest], timeout: 60)
        // 1 held + 5 of 10 singles + 1 of the 25 submitted together.
        XCTAssertEqual(committer.statistics, GroupCommitStatistics(transactions: 7, changesCommitted: 76, largestBatch: 25))
        XCTAssertEqual(try store.bindingCount(), 76)
    }

    func testAFailedTransactionFailsEveryCompletionInItAndWritesNoneOfIt() throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store)
        try poisonBindings(aor: "sip:poison@example.com")
        let held = holdCommitter(committer, first: .upsert(makeBinding(0)))
        let failures = LockedState(0)
        let rest = expectation(description: "queued completions")
        rest.expectedFulfillmentCount = 5
        for i in 1...5 {
            let change = BindingChange.upsert(makeBinding(i, aor: i == 3 ? "sip:poison@example.com" : nil))
            committer.submit([change]) { error in
                if error != nil { failures.withLock { $0 += 1 } }
                rest.fulfill()
            }
        }
        held.release.signal()
        wait(for: [held.done, rest], timeout: 60)
        XCTAssertEqual(failures.withLock { $0 }, 5, "all five shared the poisoned transaction")
        XCTAssertEqual(try store.loadBindings(), [makeBinding(0)], "none of the failed transaction is stored")
        XCTAssertEqual(committer.statistics, GroupCommitStatistics(transactions: 1, changesCommitted: 1, largestBatch: 1, failedTransactions: 1))

        // The committer keeps working after a failure.
        let after = expectation(description: "after failure")
        committer.submit([.upsert(makeBinding(9))]) { error in
            XCTAssertNil(error)
            after.fulfill()
        }
        wait(for: [after], timeout: 30)
        XCTAssertEqual(try store.bindingCount(), 2)
    }

    func testAClosedStoreFailsEveryCompletion() async throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store)
        try store.close()
        let errors = LockedState<[String]>([])
        let all = expectation(description: "completions")
        all.expectedFulfillmentCount = 10
        for i in 0..<10 {
            committer.submit([.upsert(makeBinding(i))]) { error in
                errors.withLock { $0.append(error.map { "\($0)" } ?? "nil") }
                all.fulfill()
            }
        }
        await fulfillment(of: [all], timeout: 30)
        let reported = errors.withLock { $0 }
        XCTAssertEqual(reported.count, 10)
        XCTAssertFalse(reported.contains("nil"), "\(reported)")
        do {
            try await committer.commit([.upsert(makeBinding(11))])
            XCTFail("commit must throw when the transaction fails")
        } catch {
            XCTAssertFalse(error is StoreError, "the database error itself is passed on: \(error)")
        }
        XCTAssertEqual(committer.statistics.changesCommitted, 0)
        XCTAssertGreaterThanOrEqual(committer.statistics.failedTransactions, 1)
    }

    func testDrainAndStopWaitsForPendingWorkThenRefusesNewWork() async throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store, maxBatch: 7)
        let held = holdCommitter(committer, first: .upsert(makeBinding(0)))
        let completed = LockedState(0)
        for i in 1...100 {
            committer.submit([.upsert(makeBinding(i))]) { error in
                XCTAssertNil(error)
                completed.withLock { $0 += 1 }
            }
        }
        let drained = LockedState(false)
        let drainTask = Task {
            await committer.drainAndStop()
            drained.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertFalse(drained.withLock { $0 }, "drain must wait for the held transaction and the queue")

        held.release.signal()
        await drainTask.value
        XCTAssertEqual(completed.withLock { $0 }, 100, "every completion ran before drainAndStop returned")
        XCTAssertEqual(try store.bindingCount(), 101)

        do {
            try await committer.commit([.upsert(makeBinding(500))])
            XCTFail("a stopped committer must refuse")
        } catch {
            XCTAssertEqual(error as? StoreError, .committerStopped)
        }
        XCTAssertEqual(try store.bindingCount(), 101)
        await committer.drainAndStop()  // again: returns at once
        await fulfillment(of: [held.done], timeout: 10)
    }

    func testDrainingAnIdleCommitterReturnsAtOnce() async throws {
        let committer = GroupCommitter(store: try SIPWardenStore(path: path))
        await committer.drainAndStop()
        XCTAssertEqual(committer.statistics, GroupCommitStatistics())
    }

    func testAnEmptySubmissionCompletesWithoutATransaction() async throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store)
        try await committer.commit([])
        try await committer.commit([.upsert(makeBinding(1)), .remove(aor: makeBinding(1).aor, contactKey: makeBinding(1).contactKey)])
        XCTAssertEqual(committer.statistics, GroupCommitStatistics(transactions: 1, changesCommitted: 2, largestBatch: 2))
        XCTAssertEqual(try store.bindingCount(), 0)
    }

    func testCommittedChangesAreSeenByANewStoreWithoutClosingTheFirst() async throws {
        let store = try SIPWardenStore(path: path)
        let committer = GroupCommitter(store: store)
        for i in 0..<20 { try await committer.commit([.upsert(makeBinding(i))]) }
        let afterCrash = try SIPWardenStore(path: path)
        XCTAssertEqual(try afterCrash.bindingCount(), 20)
        withExtendedLifetime((store, committer)) {}
    }
}
