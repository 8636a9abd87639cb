import SIPWardenPolicy
import Synchronization

/// The in-memory firewall backend: the daemon asks it about every packet's source before
/// parsing, and drops what it blocks.
///
/// Single addresses live in hash maps split over 16 shards by address, each with its own
/// lock, and every shard holds a copy of the (few) range bans, probed once per prefix length
/// in use: a lookup takes one shard's lock and costs one hash probe plus one per distinct range
/// length, however many bans there are, and concurrent lookups from the event loops rarely
/// meet on a lock. When nothing is banned a lookup takes no lock at all. Writers (bans,
/// unbans, sweeps: rare next to packets) serialise on a lock of their own. Lapsed bans stop
/// blocking at once (expiry is checked on lookup) and are dropped by `sweep(nowMilliseconds:)`.
public final class MemoryFirewall: FirewallBackend {
    /// The default entry limit: bounds memory (about 100 bytes per address entry) when a flood
    /// of spoofed sources gets each of them banned.
    public static let defaultMaximumEntries = 1_000_000
    /// How many shards the single-address bans are split over (a power of two).
    static let shardCount = 16

    /// "memory".
    public let name = "memory"
    /// The most bans (single and range) held at once.
    public let maximumEntries: Int

    private let shards: [MemoryFirewallShard]
    private let ledger = Mutex(MemoryFirewallLedger())
    // Mirrors the entry count so that a lookup with nothing banned skips every lock.
    private let entryCount = Atomic<Int>(0)

    /// Creates an empty firewall holding at most `maximumEntries` bans.
    public init(maximumEntries: Int = MemoryFirewall.defaultMaximumEntries) {
        self.maximumEntries = max(1, maximumEntries)
        shards = (0..<Self.shardCount).map { _ in MemoryFirewallShard() }
    }

    /// Puts bans in force; a target banned already keeps the later expiry.
    ///
    /// - Throws: `FirewallError.capacityExceeded` when the new targets do not fit; then
    ///   nothing of the batch is applied.
    public func ban(_ entries: [FirewallBan]) throws {
        guard !entries.isEmpty else { return }
        let limit = maximumEntries
        try ledger.withLock { (ledger: inout MemoryFirewallLedger) throws(FirewallError) in
            var freshSingles = Set<IPAddress>()
            var freshRanges = Set<IPRange>()
            for entry in entries {
                let target = entry.target
                if target.isSingleAddress {
                    let known = shard(for: target.network).state.withLock { $0.contains(target) }
                    if !known { freshSingles.insert(target.network) }
                } else if ledger.ranges[target] == nil {
                    freshRanges.insert(target)
                }
            }
            let fresh = freshSingles.count + freshRanges.count
            guard ledger.count + fresh <= limit else {
                throw FirewallError.capacityExceeded(limit: limit, requested: fresh)
            }
            var rangeBans: [FirewallBan] = []
            for entry in entries {
                if entry.target.isSingleAddress {
                    shard(for: entry.target.network).state.withLock { $0.insert(entry) }
                } else {
                    ledger.ranges[entry.target] = max(ledger.ranges[entry.target] ?? .min, entry.expiresAtMilliseconds)
                    rangeBans.append(entry)
                }
            }
            if !rangeBans.isEmpty {
                for shard in shards { shard.state.withLock { state in for ban in rangeBans { state.insert(ban) } } }
            }
            ledger.singleCount += freshSingles.count
            entryCount.store(ledger.count, ordering: .releasing)
        }
    }

    /// Lifts the bans on exactly these targets.
    public func unban(_ targets: [IPRange]) throws {
        guard !targets.isEmpty else { return }
        ledger.withLock { ledger in
            var ranges: [IPRange] = []
            for target in targets {
                if target.isSingleAddress {
                    if shard(for: target.network).state.withLock({ $0.remove(target) }) != nil { ledger.singleCount -= 1 }
                } else if ledger.ranges.removeValue(forKey: target) != nil {
                    ranges.append(target)
                }
            }
            if !ranges.isEmpty {
                for shard in shards { shard.state.withLock { state in for range in ranges { state.remove(range) } } }
            }
            entryCount.store(ledger.count, ordering: .releasing)
        }
    }

    /// Whether a ban in force covers `address` and no allowed range contains it.
    public func isBlocked(_ address: IPAddress, nowMilliseconds: Int64) -> Bool {
        if entryCount.load(ordering: .acquiring) == 0 { return false }
        return shard(for: address).state.withLock { state in
            state.blockingBan(address, now: nowMilliseconds) != nil && !state.isAllowed(address)
        }
    }

    /// Replaces the ranges that are never blocked.
    public func setAllowed(_ ranges: [IPRange]) throws {
        ledger.withLock { _ in
            for shard in shards { shard.state.withLock { $0.allowed = ranges } }
        }
    }

    /// The ban that blocks `address` at `nowMilliseconds` (its exact entry, else the
    /// narrowest range), or nil; allowed ranges are not consulted.
    public func blockingBan(for address: IPAddress, nowMilliseconds: Int64) -> FirewallBan? {
        shard(for: address).state.withLock { $0.blockingBan(address, now: nowMilliseconds) }
    }

    /// Drops every ban that lapsed at or before `nowMilliseconds`; returns them.
    @discardableResult
    public func sweep(nowMilliseconds: Int64) -> [FirewallBan] {
        ledger.withLock { ledger in
            var lapsed: [FirewallBan] = []
            for shard in shards {
                // Each shard's copy of a lapsed range goes too, but a range is reported once.
                let removed = shard.state.withLock { $0.removeLapsed(now: nowMilliseconds) }
                for ban in removed where ban.target.isSingleAddress { lapsed.append(ban) }
            }
            ledger.singleCount -= lapsed.count
            for (range, expiry) in ledger.ranges where expiry <= nowMilliseconds {
                ledger.ranges[range] = nil
                lapsed.append(FirewallBan(target: range, expiresAtMilliseconds: expiry))
            }
            entryCount.store(ledger.count, ordering: .releasing)
            return lapsed
        }
    }

    /// Every ban in force at `nowMilliseconds`, in no particular order.
    public func bans(nowMilliseconds: Int64) -> [FirewallBan] {
        ledger.withLock { ledger in
            var result: [FirewallBan] = []
            for shard in shards {
                result += shard.state.withLock { $0.active(now: nowMilliseconds) }.filter(\.target.isSingleAddress)
            }
            for (range, expiry) in ledger.ranges where expiry > nowMilliseconds {
                result.append(FirewallBan(target: range, expiresAtMilliseconds: expiry))
            }
            return result
        }
    }

    /// The allowed ranges.
    public var allowed: [IPRange] { shards[0].state.withLock { $0.allowed } }

    /// Entries held (lapsed ones not swept yet included).
    public var count: Int { entryCount.load(ordering: .acquiring) }

    /// The shard holding `address`: a multiplicative hash of its bits (cheaper than the
    /// dictionary's SipHash, and spread well enough for picking 1 of 16).
    private func shard(for address: IPAddress) -> MemoryFirewallShard {
        let bits: UInt64
        if let v4 = address.ipv4Value {
            bits = UInt64(v4)
        } else {
            let v6 = address.ipv6Value ?? (0, 0)
            bits = v6.high ^ v6.low
        }
        let mixed = (bits ^ bits >> 29) &* 0x9E37_79B9_7F4A_7C15
        return shards[Int(truncatingIfNeeded: mixed >> 60)]
    }
}
