import Synchronization

/// One lock-protected part of `MemoryFirewall`: the single-address bans whose address hashes
/// here, a copy of every range ban, and the allowed ranges.
///
/// Splitting the state this way lets concurrent packet-path lookups take different locks: a
/// lookup takes exactly one shard's lock, never a global one.
final class MemoryFirewallShard: Sendable {
    /// The shard's bans and allowed ranges.
    let state = Mutex(MemoryFirewallState())
    // Keeps two shards' lock words off one cache line (each object is a separate allocation
    // of at least 128 bytes), so threads locking neighbouring shards do not slow each other.
    private let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
}
