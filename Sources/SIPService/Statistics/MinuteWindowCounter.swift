import Synchronization

/// Counts occurrences over the last 60 seconds, lock-free: one slot per second of the minute,
/// each an atomic word holding the second it counts (high 32 bits) and its count (low 32).
///
/// `add` is one atomic compare-exchange in the common case; `count(nowSeconds:)` sums the
/// slots whose second lies in the window.
final class MinuteWindowCounter: Sendable {
    private let slots: [AtomicCounterCell]

    /// A counter with nothing counted.
    init() { slots = (0..<60).map { _ in AtomicCounterCell() } }

    /// Counts one occurrence at `nowSeconds` (Unix seconds).
    func add(nowSeconds: Int64) {
        let second = UInt64(truncatingIfNeeded: nowSeconds) & 0xFFFF_FFFF
        let cell = slots[Int(second % 60)]
        var current = cell.value.load(ordering: .relaxed)
        while true {
            let next = current >> 32 == second ? current &+ 1 : second << 32 | 1
            let (exchanged, original) = cell.value.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Occurrences in the 60 seconds up to and including `nowSeconds`.
    func count(nowSeconds: Int64) -> Int {
        let now = UInt64(truncatingIfNeeded: nowSeconds) & 0xFFFF_FFFF
        var total = 0
        for slot in slots {
            let value = slot.value.load(ordering: .relaxed)
            let second = value >> 32
            if second <= now, now - second < 60 { total += Int(value & 0xFFFF_FFFF) }
        }
        return total
    }
}
