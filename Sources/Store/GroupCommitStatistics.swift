/// Counters of a `GroupCommitter`, for metrics and benchmarks.
public struct GroupCommitStatistics: Sendable, Hashable {
    /// Transactions committed successfully.
    public var transactions: Int
    /// Binding changes in successfully committed transactions.
    public var changesCommitted: Int
    /// The most changes one successful transaction held.
    public var largestBatch: Int
    /// Transactions that failed (every completion in them got the error).
    public var failedTransactions: Int

    /// Creates statistics; all counters default to zero.
    public init(transactions: Int = 0, changesCommitted: Int = 0, largestBatch: Int = 0, failedTransactions: Int = 0) {
        self.transactions = transactions
        self.changesCommitted = changesCommitted
        self.largestBatch = largestBatch
        self.failedTransactions = failedTransactions
    }
}
