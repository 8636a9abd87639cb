/// What the webhook sender did since it started (`sipwardenctl stats`, `/metrics`).
public struct AlertWebhookStatistics: Hashable, Sendable, Codable {
    /// POSTs answered with a 2xx status.
    public var delivered: UInt64 = 0
    /// POSTs that failed: no connection, a timeout, or a status outside 2xx.
    public var failed: UInt64 = 0
    /// Alerts refused because the queue was full (each counts once, whatever the number of URLs).
    public var dropped: UInt64 = 0
    /// The last failure, for a human; nil when there was none.
    public var lastError: String?

    /// Creates statistics.
    public init(delivered: UInt64 = 0, failed: UInt64 = 0, dropped: UInt64 = 0, lastError: String? = nil) {
        self.delivered = delivered
        self.failed = failed
        self.dropped = dropped
        self.lastError = lastError
    }
}
