/// One source address's admission state.
struct SourceBucket: Sendable {
    /// The packet budget.
    var bucket: TokenBucket
    /// Live bindings registered from the source, as last asked of the host.
    var bindings = 0
    /// Whether the source is in the operator's trusted ranges, as last asked of the host.
    var trusted = false
    /// When the two facts above were last asked (`Int64.min`: never). They are asked only when
    /// the bucket runs dry, and at most once a second, to keep the host off the hot path.
    var factsCheckedAt = Int64.min
    /// The last window in which this source was reported over budget (-1: none).
    var reportedWindow: Int64 = -1

    /// A full bucket with the base budget (its facts are asked if it ever runs dry).
    init(budget: AdmissionBudget, now: Int64) {
        bucket = TokenBucket(capacity: budget.baseCapacity, now: now)
    }
}
