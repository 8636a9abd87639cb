import Foundation
import SIPWardenPolicy

/// The bounded hand-over from the threads that record events to the history's writer.
///
/// `append` takes the lock for an array append (waking the writer only when the queue was
/// empty or a batch is full); a full queue refuses the event and counts it, so a slow disk
/// never stalls the SIP path.
final class HistoryQueue: @unchecked Sendable {
    // @unchecked: every stored property below is read and written with `condition` held.
    private let condition = NSCondition()
    private let capacity: Int
    private var events: [SecurityEvent] = []
    private var enqueued = 0
    private var completed = 0
    private var closing = false
    private var flushWaiters = 0
    private var dropped = 0
    /// How long the writer gathers events before a write, and how many make it write at once.
    static let batchDelay: TimeInterval = 0.25
    static let batchSize = 2048

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds events, counting those that do not fit (or arrive after `close`) as dropped.
    func append(_ new: some Collection<SecurityEvent>) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else {
            dropped += new.count
            return
        }
        let room = capacity - events.count
        let wasEmpty = events.isEmpty
        if new.count <= room {
            events.append(contentsOf: new)
            enqueued += new.count
        } else {
            events.append(contentsOf: new.prefix(max(0, room)))
            enqueued += max(0, room)
            dropped += new.count - max(0, room)
        }
        if wasEmpty || events.count >= Self.batchSize { condition.broadcast() }
    }

    /// Waits until events are pending (then up to `batchDelay` more to gather a batch), the
    /// queue closes or `timeout` seconds pass; takes every pending event. `stop` is true once
    /// the queue is closed and drained.
    func take(timeout: TimeInterval) -> (events: [SecurityEvent], stop: Bool) {
        condition.lock()
        defer { condition.unlock() }
        let wake = Date().addingTimeInterval(timeout)
        while events.isEmpty && !closing {
            if !condition.wait(until: wake) { break }
        }
        let deadline = Date().addingTimeInterval(Self.batchDelay)
        while !events.isEmpty && events.count < Self.batchSize && !closing && flushWaiters == 0 {
            if !condition.wait(until: deadline) { break }
        }
        let taken = events
        events = []
        return (taken, closing && taken.isEmpty)
    }

    /// Records that the writer handled `count` events (written or not) and wakes `waitUntilWritten`.
    func finished(_ count: Int) {
        condition.lock()
        defer { condition.unlock() }
        completed += count
        condition.broadcast()
    }

    /// Refuses further events; the writer stops once the queue is drained.
    func close() {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.broadcast()
    }

    /// Blocks until every event appended before the call has been handled by the writer.
    func waitUntilWritten() {
        condition.lock()
        defer { condition.unlock() }
        let target = enqueued
        flushWaiters += 1
        condition.broadcast()
        while completed < target { condition.wait() }
        flushWaiters -= 1
    }

    /// Events waiting for the writer.
    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return events.count
    }

    /// Events refused so far.
    var droppedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }
}
