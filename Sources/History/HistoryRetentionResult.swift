/// What one run of the retention job removed, and the file's size after it.
public struct HistoryRetentionResult: Hashable, Sendable {
    /// Raw events older than `history.retention`.
    public var expiredEvents = 0
    /// Rollup rows older than `history.rollup_retention`.
    public var expiredRollups = 0
    /// Raw events (then rollups) deleted, oldest first, to bring the file under `history.max_size`.
    public var cappedEvents = 0
    /// Rollup rows deleted for the size cap (only once no raw event was left).
    public var cappedRollups = 0
    /// Bytes in use after the run.
    public var usedBytes: Int64 = 0

    /// An empty result.
    public init() {}
}
