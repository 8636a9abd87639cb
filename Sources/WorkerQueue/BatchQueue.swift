import Foundation

/// The bounded hand-over from the threads that produce work (the SIP event loops, the plugin
/// workers) to the one thread that consumes it in batches (the security log's writer, the
/// history's writer): the daemon's one mechanism for "record now, write later".
///
/// - `append` takes the lock for an array append and wakes the consumer only when the queue
///   was empty or a batch is full; a full (or closed) queue refuses the element and counts
///   it, so a slow disk never stalls the packet path.
/// - `take` waits for work, then gathers for up to `batchDelay` (or until `batchSize`
///   elements, a `signal`, `close` or a `waitUntilHandled` caller), and hands everything
///   pending over by swapping buffers with the consumer, so neither side allocates per batch.
/// - The consumer reports what it handled with `finished`; `waitUntilHandled` blocks until
///   everything appended before it has been.
///
/// One NSCondition guards every stored property (`@unchecked Sendable` for that reason).
public final class BatchQueue<Element>: @unchecked Sendable {
    @usableFromInline let condition = NSCondition()
    @usableFromInline let capacity: Int
    @usableFromInline var elements: [Element] = []
    @usableFromInline var droppedSinceTake = 0
    @usableFromInline var dropped = 0
    @usableFromInline var enqueued = 0
    @usableFromInline var closing = false
    private var completed = 0
    private var signaled = false
    /// Threads in `waitUntilHandled`, which cut the batching delay short.
    private var flushWaiters = 0
    /// How long `take` gathers before handing a batch over.
    public let batchDelay: TimeInterval
    /// How many pending elements end the gathering at once (and wake the consumer).
    public let batchSize: Int

    /// A queue holding at most `capacity` elements, handing them over in batches gathered for
    /// up to `batchDelay` seconds or until `batchSize` are pending; `reserve` elements of
    /// buffer are allocated up front.
    public init(capacity: Int, batchDelay: TimeInterval, batchSize: Int, reserve: Int = 0) {
        self.capacity = max(1, capacity)
        self.batchDelay = batchDelay
        self.batchSize = max(1, batchSize)
        elements.reserveCapacity(min(self.capacity, max(0, reserve)))
    }

    /// Adds `element`; false (and counted as dropped) when the queue is full or closed.
    @inlinable @discardableResult
    public func append(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closing, elements.count < capacity else {
            droppedSinceTake += 1
            dropped += 1
            return false
        }
        elements.append(element)
        enqueued += 1
        if elements.count == 1 || elements.count == batchSize { condition.broadcast() }
        return true
    }

    /// Adds as many of `new` as fit (none after `close`), counting the rest as dropped;
    /// returns how many were added.
    @inlinable @discardableResult
    public func append(contentsOf new: some Collection<Element>) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let room = closing ? 0 : max(0, capacity - elements.count)
        let wasEmpty = elements.isEmpty
        let added = min(room, new.count)
        if added == new.count {
            elements.append(contentsOf: new)
        } else {
            elements.append(contentsOf: new.prefix(added))
        }
        enqueued += added
        droppedSinceTake += new.count - added
        dropped += new.count - added
        if added > 0, wasEmpty || elements.count >= batchSize { condition.broadcast() }
        return added
    }

    /// What `take` handed over besides the elements.
    public struct Take: Sendable, Equatable {
        /// Elements refused since the previous `take`.
        public var dropped: Int
        /// Whether `signal` was called since the previous `take`.
        public var signaled: Bool
        /// The queue is closed and this was the last of its elements: the consumer stops.
        public var stop: Bool

        /// A take's outcome (for tests and adaptors).
        public init(dropped: Int, signaled: Bool, stop: Bool) {
            self.dropped = dropped
            self.signaled = signaled
            self.stop = stop
        }
    }

    /// Waits until there is something to do (elements, drops, a `signal` or `close`), or at
    /// most `wakeAfter` seconds when given, gathers a batch, and hands every pending element
    /// over in `batch` (emptied first; the queue keeps its buffer for the next round).
    public func take(into batch: inout [Element], wakeAfter: TimeInterval? = nil) -> Take {
        condition.lock()
        defer { condition.unlock() }
        let wake = wakeAfter.map { Date().addingTimeInterval($0) }
        while elements.isEmpty && droppedSinceTake == 0 && !signaled && !closing {
            if let wake {
                if !condition.wait(until: wake) { break }
            } else {
                condition.wait()
            }
        }
        // Gather a batch before handing it over: a wake-up per element would cost the
        // producers (a futex and a context switch each) more than the element itself.
        let deadline = Date().addingTimeInterval(batchDelay)
        while !elements.isEmpty && elements.count < batchSize && !closing && !signaled && flushWaiters == 0 {
            if !condition.wait(until: deadline) { break }
        }
        let result = Take(dropped: droppedSinceTake, signaled: signaled, stop: closing && elements.isEmpty)
        batch.removeAll(keepingCapacity: true)
        swap(&elements, &batch)
        droppedSinceTake = 0
        signaled = false
        return result
    }

    /// Records that the consumer handled `count` elements (written or not) and wakes
    /// `waitUntilHandled`.
    public func finished(_ count: Int) {
        condition.lock()
        defer { condition.unlock() }
        completed += count
        condition.broadcast()
    }

    /// Wakes the consumer with `Take.signaled` set (the security log's "reopen the file").
    public func signal() {
        condition.lock()
        defer { condition.unlock() }
        signaled = true
        condition.broadcast()
    }

    /// Refuses further elements; the consumer gets `stop` once the queue is drained.
    public func close() {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.broadcast()
    }

    /// Blocks until every element appended before the call has been reported `finished`.
    public func waitUntilHandled() {
        condition.lock()
        defer { condition.unlock() }
        let target = enqueued
        flushWaiters += 1
        condition.broadcast()
        while completed < target { condition.wait() }
        flushWaiters -= 1
    }

    /// Elements waiting for the consumer.
    public var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return elements.count
    }

    /// Elements refused so far.
    public var droppedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }
}
