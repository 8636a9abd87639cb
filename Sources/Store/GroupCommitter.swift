import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Registrar
import Synchronization

/// Group commit: many REGISTERs share one transaction so throughput stays high while every
/// acknowledged change is durable before its 200 OK.
///
/// One serial writer (a dispatch queue, active only while there is work) drains the queue of
/// submissions: while it commits a transaction, new submissions accumulate; when the commit
/// finishes it runs that transaction's completions, then takes everything queued meanwhile (up
/// to `maxBatch` changes, never splitting one submission) into the next transaction. So with a
/// slow fsync the batch grows instead of the latency.
///
/// Under steady load (something arrived while the last transaction committed) the writer
/// waits `gatherDelay` before taking the next batch, as PostgreSQL's `commit_delay` does: each
/// transaction then carries more changes, so the fsync, the transaction and the thread wake-ups
/// are shared by more REGISTERs. After an idle moment the first submission commits at once, so
/// a lone REGISTER never waits for the delay.
///
/// Each completion runs exactly once, on the committer's queue, after the transaction holding
/// its changes committed (nil) or failed (the error; the whole transaction is rolled back and
/// every completion in it gets the error, so the caller must not send 200 OK). Completions
/// should be quick (hand off to an event loop): the next transaction waits for them.
public final class GroupCommitter: Sendable {
    /// One `submit` call.
    private struct Entry: Sendable {
        let changes: [BindingChange]
        let completion: @Sendable ((any Error)?) -> Void
    }

    /// Everything the submitters and the writer share.
    private struct State: Sendable {
        var pending: [Entry] = []
        var accepting = true
        /// Whether a drain loop is scheduled or running on `queue`.
        var writerActive = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var statistics = GroupCommitStatistics()
    }

    /// What the writer does next.
    private enum Step {
        case commit([Entry])
        case idle(waiters: [CheckedContinuation<Void, Never>])
    }

    private let store: any StoreBackend
    private let maxBatch: Int
    private let gatherDelayMicroseconds: UInt32
    private let queue = DispatchQueue(label: "sipwarden.store.group-commit", qos: .userInitiated)
    private let state = Mutex(State())

    /// The default `gatherDelay`: at 10,000 registrations/s it lifts a transaction from about
    /// 7 changes to about 17 (docs/performance.md), for at most this much added latency.
    public static let defaultGatherDelay = Duration.microseconds(1000)

    /// Creates a committer writing to `store`, at most `maxBatch` changes per transaction
    /// (a single larger submission still goes in one transaction of its own), waiting
    /// `gatherDelay` between back-to-back transactions (zero: never; at most one second).
    public init(store: any StoreBackend, maxBatch: Int = 4096, gatherDelay: Duration = GroupCommitter.defaultGatherDelay) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        let micros = gatherDelay.components.seconds * 1_000_000 + gatherDelay.components.attoseconds / 1_000_000_000_000
        self.gatherDelayMicroseconds = UInt32(clamping: min(max(micros, 0), 1_000_000))
    }

    /// Enqueue changes; `completion` runs (on the committer's thread) after the transaction
    /// holding them committed, with nil or the error.
    ///
    /// After `drainAndStop()` the completion gets `StoreError.committerStopped` and nothing is
    /// written. An empty `changes` completes with nil once everything submitted before it is
    /// committed.
    public func submit(_ changes: [BindingChange], completion: @escaping @Sendable ((any Error)?) -> Void) {
        let startWriter: Bool? = state.withLock { s in
            guard s.accepting else { return nil }
            s.pending.append(Entry(changes: changes, completion: completion))
            if s.writerActive { return false }
            s.writerActive = true
            return true
        }
        switch startWriter {
        case nil:
            // Still asynchronous, so callers never see their completion run inside `submit`.
            queue.async { completion(StoreError.committerStopped) }
        case true?:
            queue.async { self.drain() }
        case false?:
            break
        }
    }

    /// Async convenience: returns once the changes are committed, throws if their transaction
    /// failed. Cancelling the task does not withdraw changes already submitted.
    public func commit(_ changes: [BindingChange]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            submit(changes) { error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume()
                }
            }
        }
    }

    /// Wait until everything submitted so far is committed (used on graceful shutdown), then
    /// stop accepting.
    ///
    /// Submissions from the moment this is called are refused with
    /// `StoreError.committerStopped`; those before it are committed and their completions have
    /// run when this returns. Calling it again returns at once.
    public func drainAndStop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { s in
                s.accepting = false
                if !s.writerActive { return true }
                s.drainWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Transactions, changes committed, largest batch, failed transactions so far.
    public var statistics: GroupCommitStatistics {
        state.withLock { $0.statistics }
    }

    /// The writer loop: commits batches until the queue is empty, then goes idle. Between two
    /// back-to-back batches it waits `gatherDelay` so the next one is larger.
    private func drain() {
        var backToBack = false
        while true {
            if backToBack, gatherDelayMicroseconds > 0 { usleep(gatherDelayMicroseconds) }
            let step = state.withLock { s -> Step in
                if s.pending.isEmpty {
                    s.writerActive = false
                    defer { s.drainWaiters = [] }
                    return .idle(waiters: s.drainWaiters)
                }
                return .commit(takeBatch(from: &s.pending))
            }
            switch step {
            case .idle(let waiters):
                for waiter in waiters { waiter.resume() }
                return
            case .commit(let batch):
                commit(batch)
                backToBack = state.withLock { !$0.pending.isEmpty }
            }
        }
    }

    /// Removes and returns the oldest submissions holding at most `maxBatch` changes (at least one).
    private func takeBatch(from pending: inout [Entry]) -> [Entry] {
        var count = 0
        var taken = 0
        for entry in pending {
            if taken > 0 && count + entry.changes.count > maxBatch { break }
            count += entry.changes.count
            taken += 1
        }
        if taken == pending.count {
            defer { pending = [] }
            return pending
        }
        defer { pending.removeFirst(taken) }
        return Array(pending.prefix(taken))
    }

    /// Writes one batch in one transaction, records it, then runs its completions.
    private func commit(_ batch: [Entry]) {
        let changeCount = batch.reduce(0) { $0 + $1.changes.count }
        var failure: (any Error)?
        if changeCount > 0 {
            do {
                try store.apply(batch: batch.map(\.changes))
            } catch {
                failure = error
            }
            state.withLock { s in
                if failure == nil {
                    s.statistics.transactions += 1
                    s.statistics.changesCommitted += changeCount
                    s.statistics.largestBatch = max(s.statistics.largestBatch, changeCount)
                } else {
                    s.statistics.failedTransactions += 1
                }
            }
        }
        for entry in batch { entry.completion(failure) }
    }
}
