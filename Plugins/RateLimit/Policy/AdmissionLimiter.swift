import SIPWardenPolicy

/// The per-source packet budgets of the admission hot path: thread-safe, bounded in memory,
/// and asking the host about a source only when its bucket runs dry.
final class AdmissionLimiter: Sendable {
    /// The shards; a source always maps to the same one.
    let shards: [AdmissionShard]
    /// The budget as a function of live bindings.
    let budget: AdmissionBudget
    /// Buckets per shard at most.
    let shardCapacity: Int
    /// The reporting window.
    let windowMilliseconds: Int64

    /// Shards in the table (a power of two).
    static let shardCount = 16

    /// An empty table for the settings.
    init(settings: RateLimitSettings, now: Int64) {
        let budget = AdmissionBudget(settings)
        self.budget = budget
        shardCapacity = max(64, settings.maxSources / Self.shardCount)
        windowMilliseconds = settings.windowMilliseconds
        shards = (0..<Self.shardCount).map { _ in AdmissionShard(budget: budget, now: now) }
    }

    /// Whether the packet is within its source's budget. `host` is asked about the source
    /// only after its bucket ran dry, and outside the shard's lock.
    func admit(_ packet: PacketInfo, now: Int64, host: any PolicyHost) -> Bool {
        let shard = shards[packet.source.hashValue & (Self.shardCount - 1)]
        let verdict = shard.state.withLock { state in
            state.take(packet, now: now, budget: budget, capacity: shardCapacity, windowMilliseconds: windowMilliseconds)
        }
        switch verdict {
        case .accept: return true
        case .refuse: return false
        case .needsFacts:
            let trusted = host.isTrusted(packet.source)
            let bindings = trusted ? 0 : host.liveBindingCount(from: packet.source)
            return shard.state.withLock { state in
                state.retake(
                    packet, now: now, trusted: trusted, bindings: bindings, budget: budget,
                    windowMilliseconds: windowMilliseconds)
            }
        }
    }

    /// Collects the excess sightings of every shard.
    func drainSightings() -> (sightings: [ExcessSighting], dropped: Int) {
        var all: [ExcessSighting] = []
        var dropped = 0
        for shard in shards {
            shard.state.withLock { state in
                all.append(contentsOf: state.drain())
                dropped += state.droppedSightings
                state.droppedSightings = 0
            }
        }
        return (all, dropped)
    }

    /// Evicts idle buckets of one shard (the tick walks them in turn, so no call holds a lock long).
    func sweep(shard index: Int, now: Int64) {
        shards[index & (Self.shardCount - 1)].state.withLock { state in
            state.evictIdle(now: now, budget: budget, windowMilliseconds: windowMilliseconds)
        }
    }

    /// Sources tracked now (for tests and statistics).
    var trackedSources: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.buckets.count } }
    }
}
