import Foundation
import SIPWardenPolicy

/// The plugins' event queue: one ring of events shared by every plugin's worker, each reading
/// it at its own pace (its own cursor), all behind one monitor (a mutex and a condition
/// variable, `NSCondition`). Publishing an event is one lock for every plugin together, not one
/// per plugin, and one copy of the event, not one per plugin.
///
/// Each reader has its own bound (the policy file's `queue`, at most the ring's capacity): a
/// reader that many events behind loses the oldest it has not read (dropped and counted for it
/// alone); nobody else waits or loses anything. The ring grows as readers fall behind, up to
/// its capacity, so an idle host holds a few kilobytes.
///
/// Waking: a worker that found nothing to read waits on the condition until a deadline (its
/// next tick). An event wakes the waiting workers at once unless it is routine
/// (``PluginHost/routineKinds``), which wakes them only when one of them sleeps until its tick;
/// a worker that was busy a moment ago looks again after a short delay instead, so under load
/// the packet path pays no wake-up per event.
final class EventBroadcast: @unchecked Sendable {
    /// One reader's place in the ring.
    private struct Reader {
        let id: Int
        /// The sequence number of the next event it reads.
        var cursor: UInt64
        /// Events it may have unread before the oldest are dropped.
        var limit: Int
        var dropped: UInt64 = 0
        /// Waiting on the condition; `untilTick` when for its next tick (not a short look).
        var waiting = false
        var untilTick = false
        /// It holds the events its last ``take(_:upTo:until:untilTick:)`` returned (not done with them).
        var holding = false
    }

    // Everything below is guarded by `monitor`.
    private let monitor = NSCondition()
    private var ring: [SecurityEvent?]
    private let capacity: Int
    /// The sequence number the next event gets.
    private var tail: UInt64 = 0
    /// Slots before this sequence number were released (read by every reader).
    private var released: UInt64 = 0
    /// Dense, so publishing walks an array in place; `slots` finds a reader by id.
    private var readers: [Reader] = []
    private var slots: [Int: Int] = [:]
    private var nextReader = 0
    /// Routine events published since the waiting workers were last woken.
    private var routineSinceWake = 0

    /// A ring of at most `capacity` events.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.ring = Array(repeating: nil, count: min(self.capacity, 64))
    }

    /// Adds a reader that sees the events published from now on, at most `limit` unread.
    func addReader(limit: Int) -> Int {
        monitor.lock()
        defer { monitor.unlock() }
        let id = nextReader
        nextReader += 1
        slots[id] = readers.count
        readers.append(Reader(id: id, cursor: tail, limit: min(max(1, limit), capacity)))
        return id
    }

    /// Removes a reader (its unread events are discarded) and wakes it, so a worker waiting in
    /// ``take(_:upTo:until:untilTick:)`` returns nil.
    /// Returns the events it dropped, nil when it was removed already.
    @discardableResult
    func removeReader(_ id: Int) -> UInt64? {
        monitor.lock()
        defer { monitor.unlock() }
        guard let slot = slots.removeValue(forKey: id) else { return nil }
        let reader = readers.remove(at: slot)
        for index in slot..<readers.count { slots[readers[index].id] = index }
        release()
        monitor.broadcast()
        return reader.dropped
    }

    /// Publishes an event to every reader; never blocks. False when some reader had to drop
    /// an event for it (that reader's ``dropped(_:)`` counts it).
    @discardableResult
    func publish(_ event: SecurityEvent, routine: Bool, wakeBatch: Int) -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        guard !readers.isEmpty else { return true }
        var refused = false
        var anyWaiting = false
        var anyUntilTick = false
        var widest = 0
        // Walked as a local (moved out and back, so not copied): one exclusive access, not one per field.
        var list = readers
        readers = []
        let sequence = tail
        for index in list.indices {
            if sequence - list[index].cursor >= UInt64(list[index].limit) {
                list[index].cursor += 1
                list[index].dropped &+= 1
                refused = true
            }
            anyWaiting = anyWaiting || list[index].waiting
            anyUntilTick = anyUntilTick || list[index].untilTick
            widest = max(widest, Int(sequence - list[index].cursor) + 1)
        }
        readers = list
        if widest > ring.count { grow(to: widest) }
        ring[Int(tail % UInt64(ring.count))] = event
        tail += 1
        if routine { routineSinceWake += 1 }
        if anyWaiting, !routine || anyUntilTick || routineSinceWake >= wakeBatch {
            routineSinceWake = 0
            monitor.broadcast()
        }
        return !refused
    }

    /// Takes up to `limit` of the reader's unread events, waiting until `deadline` when there
    /// are none (`untilTick`: the wait lasts until the reader's next tick, so even a routine
    /// event wakes it). Returns [] at the deadline, nil once the reader was removed.
    func take(_ id: Int, upTo limit: Int, until deadline: Date, untilTick: Bool) -> [SecurityEvent]? {
        monitor.lock()
        defer { monitor.unlock() }
        if let slot = slots[id] { readers[slot].holding = false }
        while true {
            guard let slot = slots[id] else { return nil }
            let cursor = readers[slot].cursor
            let unread = Int(tail - cursor)
            if unread > 0 {
                let count = min(unread, limit)
                var batch: [SecurityEvent] = []
                batch.reserveCapacity(count)
                for sequence in cursor..<(cursor + UInt64(count)) {
                    if let event = ring[Int(sequence % UInt64(ring.count))] { batch.append(event) }
                }
                readers[slot].cursor += UInt64(count)
                readers[slot].waiting = false
                readers[slot].untilTick = false
                readers[slot].holding = true
                release()
                return batch
            }
            readers[slot].waiting = true
            readers[slot].untilTick = untilTick
            let signalled = monitor.wait(until: deadline)
            // The reader may have moved (another was removed) or gone while we waited.
            guard let after = slots[id] else { return nil }
            readers[after].waiting = false
            readers[after].untilTick = false
            if !signalled, readers[after].cursor == tail { return [] }
        }
    }

    /// Events the reader has not read yet.
    func unread(_ id: Int) -> Int {
        monitor.lock()
        defer { monitor.unlock() }
        return slots[id].map { Int(tail - readers[$0].cursor) } ?? 0
    }

    /// Whether the reader read every event and is done with what it took (or was removed).
    func isIdle(_ id: Int) -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        guard let slot = slots[id] else { return true }
        return readers[slot].cursor == tail && !readers[slot].holding
    }

    /// Whether the reader waits on the condition right now (for tests and diagnostics).
    func isWaiting(_ id: Int) -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        return slots[id].map { readers[$0].waiting } ?? false
    }

    /// Events the reader lost because it was `limit` behind.
    func dropped(_ id: Int) -> UInt64 {
        monitor.lock()
        defer { monitor.unlock() }
        return slots[id].map { readers[$0].dropped } ?? 0
    }

    /// Slots every reader has read are emptied, so the ring does not keep events alive.
    private func release() {
        let oldest = readers.map(\.cursor).min() ?? tail
        guard oldest > released else { return }
        let first = max(released, tail - UInt64(min(Int(tail), ring.count)))
        for sequence in first..<oldest { ring[Int(sequence % UInt64(ring.count))] = nil }
        released = oldest
    }

    /// Makes room for `needed` unread events (doubling, at most `capacity`), keeping every
    /// unread one at its sequence number's new place.
    private func grow(to needed: Int) {
        var size = ring.count
        while size < needed { size *= 2 }
        size = min(size, capacity)
        guard size > ring.count else { return }
        var larger = [SecurityEvent?](repeating: nil, count: size)
        let oldest = readers.map(\.cursor).min() ?? tail
        for sequence in oldest..<tail {
            larger[Int(sequence % UInt64(size))] = ring[Int(sequence % UInt64(ring.count))]
        }
        ring = larger
    }
}
