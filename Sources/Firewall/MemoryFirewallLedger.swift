import SIPWardenPolicy

/// The writers' view of `MemoryFirewall`, behind its writer lock: how many single-address
/// bans exist and the authoritative copy of the range bans (each shard holds its own copy
/// for lookups).
struct MemoryFirewallLedger {
    /// Single-address bans held across all shards, lapsed ones not swept yet included.
    var singleCount = 0
    /// Range bans: range -> expiry (ms).
    var ranges: [IPRange: Int64] = [:]

    /// Every entry held.
    var count: Int { singleCount + ranges.count }
}
