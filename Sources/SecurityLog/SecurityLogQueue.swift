import Foundation

/// The bounded hand-over between threads that record and the one thread that writes.
///
/// Recording takes the lock for an append (and wakes the writer only when the queue was
/// empty); a full queue refuses the entry and counts it, so a stalled disk never stalls the
/// packet path.
final class SecurityLogQueue: @unchecked Sendable {
    // @unchecked: every stored property below is read and written with `condition` held.
    private let condition = NSCondition()
    private let capacity: Int
    private var entries: [SecurityLogEntry] = []
    private var droppedSinceTake = 0
    private var enqueued = 0
    private var completed = 0
    private var reopenRequested = false
    private var closing = false
    /// Threads in `waitUntilWritten`, which cut the batching delay short.
    private var flushWaiters = 0
    /// How long the writer gathers lines before writing them, and how many make it write at once.
    static let batchDelay: TimeInterval = 0.02
    static let batchSize = 512
    private(set) var statistics = SecurityLogStatistics()

    /// Creates a queue holding at most `capacity` entries.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        entries.reserveCapacity(min(self.capacity, 4096))
    }

    /// Adds an entry, or counts it as dropped when the queue is full or closed.
    func append(_ entry: SecurityLogEntry) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing, entries.count < capacity else {
            droppedSinceTake += 1
            statistics.dropped += 1
            return
        }
        entries.append(entry)
        enqueued += 1
        if entries.count == 1 || entries.count == Self.batchSize { condition.broadcast() }
    }

    /// What the writer does next.
    struct Work {
        var dropped: Int
        var reopen: Bool
        var stop: Bool
    }

    /// Waits for entries, a reopen request or closing (or, with `wakeAfter`, at most that many
    /// seconds: the writer has summaries coming due), and takes everything pending.
    ///
    /// `spare` is the writer's emptied array from the previous batch: the queue keeps it and
    /// hands its own out, so neither side allocates a fresh buffer per batch.
    func take(returning spare: inout [SecurityLogEntry], wakeAfter: TimeInterval? = nil) -> Work {
        condition.lock()
        defer { condition.unlock() }
        let wake = wakeAfter.map { Date().addingTimeInterval($0) }
        while entries.isEmpty && droppedSinceTake == 0 && !reopenRequested && !closing {
            if let wake {
                if !condition.wait(until: wake) { break }
            } else {
                condition.wait()
            }
        }
        // Gather a batch before writing: a wake-up per line would cost the packet path more
        // (a futex and a context switch per event) than the line itself.
        let deadline = Date().addingTimeInterval(Self.batchDelay)
        while !entries.isEmpty && entries.count < Self.batchSize && !closing && !reopenRequested && flushWaiters == 0 {
            if !condition.wait(until: deadline) { break }
        }
        let work = Work(dropped: droppedSinceTake, reopen: reopenRequested, stop: closing && entries.isEmpty)
        spare.removeAll(keepingCapacity: true)
        swap(&entries, &spare)
        droppedSinceTake = 0
        reopenRequested = false
        return work
    }

    /// Records that the writer finished `count` entries: `withheld` of them were only counted
    /// (folded or over the cap), the lines of `encoded` others were in a buffer that, with
    /// `extraLines` lines of its own (summaries, the dropped note), was `written` or not; and
    /// wakes anyone waiting in `waitUntilWritten`.
    func finished(_ count: Int, encoded: Int, withheld: Int, extraLines: Int, written: Bool, reopened: Bool) {
        condition.lock()
        defer { condition.unlock() }
        completed += count
        statistics.written += written ? encoded + extraLines : 0
        statistics.failed += count - withheld - (written ? encoded : 0)
        statistics.withheld += withheld
        if reopened { statistics.reopens += 1 }
        condition.broadcast()
    }

    /// Asks the writer to reopen the file.
    func requestReopen() {
        condition.lock()
        defer { condition.unlock() }
        reopenRequested = true
        condition.broadcast()
    }

    /// Refuses further entries and lets the writer stop once the queue is drained.
    func close() {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.broadcast()
    }

    /// Blocks until every entry appended before the call has been handled by the writer.
    func waitUntilWritten() {
        condition.lock()
        defer { condition.unlock() }
        let target = enqueued
        flushWaiters += 1
        condition.broadcast()
        while completed < target { condition.wait() }
        flushWaiters -= 1
    }

    /// The statistics, read under the lock.
    func currentStatistics() -> SecurityLogStatistics {
        condition.lock()
        defer { condition.unlock() }
        return statistics
    }
}
