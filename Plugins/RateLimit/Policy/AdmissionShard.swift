import Synchronization

/// One lock-guarded part of the admission table. The table is split so that event-loop
/// threads admitting packets from different sources rarely wait for one another.
final class AdmissionShard: Sendable {
    /// The shard's buckets.
    let state: Mutex<AdmissionShardState>

    /// An empty shard.
    init(budget: AdmissionBudget, now: Int64) {
        state = Mutex(AdmissionShardState(budget: budget, now: now))
    }
}
