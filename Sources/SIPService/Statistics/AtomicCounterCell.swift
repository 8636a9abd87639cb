import Synchronization

/// One atomic 64-bit word on the heap, so a fixed array of them can be kept (`Atomic` itself
/// cannot be copied into an array).
final class AtomicCounterCell: Sendable {
    /// The word.
    let value = Atomic<UInt64>(0)

    /// A zero word.
    init() {}
}
