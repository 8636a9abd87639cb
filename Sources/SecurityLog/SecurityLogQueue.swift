import Foundation
import Synchronization
import WorkerQueue

/// The security log's hand-over between the threads that record and its one writer: a
/// `BatchQueue` of entries (gathered for 20 ms or 512 entries), the reopen request as its
/// signal, and the writer's counts.
final class SecurityLogQueue: Sendable {
    private let queue: BatchQueue<SecurityLogEntry>
    /// What the writer reports; `dropped` is the queue's own count.
    private let counts = Mutex(SecurityLogStatistics())
    /// How long the writer gathers lines before writing them, and how many make it write at once.
    static let batchDelay: TimeInterval = 0.02
    static let batchSize = 512

    /// Creates a queue holding at most `capacity` entries.
    init(capacity: Int) {
        queue = BatchQueue(capacity: capacity, batchDelay: Self.batchDelay, batchSize: Self.batchSize, reserve: 4096)
    }

    /// Adds an entry, or counts it as dropped when the queue is full or closed.
    func append(_ entry: SecurityLogEntry) {
        queue.append(entry)
    }

    /// What the writer does next.
    struct Work {
        var dropped: Int
        var reopen: Bool
        var stop: Bool
    }

    /// Waits for entries, a reopen request or closing (or, with `wakeAfter`, at most that many
    /// seconds: the writer has summaries coming due), and takes everything pending into
    /// `spare` (the writer's emptied array from the previous batch, swapped with the queue's).
    func take(returning spare: inout [SecurityLogEntry], wakeAfter: TimeInterval? = nil) -> Work {
        let taken = queue.take(into: &spare, wakeAfter: wakeAfter)
        return Work(dropped: taken.dropped, reopen: taken.signaled, stop: taken.stop)
    }

    /// Records that the writer finished `count` entries: `withheld` of them were only counted
    /// (folded or over the cap), the lines of `encoded` others were in a buffer that, with
    /// `extraLines` lines of its own (summaries, the dropped note), was `written` or not; and
    /// wakes anyone waiting in `waitUntilWritten`.
    func finished(_ count: Int, encoded: Int, withheld: Int, extraLines: Int, written: Bool, reopened: Bool) {
        counts.withLock { statistics in
            statistics.written += written ? encoded + extraLines : 0
            statistics.failed += count - withheld - (written ? encoded : 0)
            statistics.withheld += withheld
            if reopened { statistics.reopens += 1 }
        }
        queue.finished(count)
    }

    /// Asks the writer to reopen the file.
    func requestReopen() { queue.signal() }

    /// Refuses further entries and lets the writer stop once the queue is drained.
    func close() { queue.close() }

    /// Blocks until every entry appended before the call has been handled by the writer.
    func waitUntilWritten() { queue.waitUntilHandled() }

    /// The statistics.
    func currentStatistics() -> SecurityLogStatistics {
        var statistics = counts.withLock { $0 }
        statistics.dropped = queue.droppedCount
        return statistics
    }
}
