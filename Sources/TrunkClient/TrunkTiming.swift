/// The timing rules of the trunk client, in seconds (docs/trunks.md "Timing").
public struct TrunkTiming: Hashable, Sendable {
    /// The largest random delay before a trunk's first REGISTER after start (spreads trunks).
    public var initialDelayMax: Double
    /// How long before the granted expiry a refresh goes out (at most half the expiry).
    public var refreshMargin: Double
    /// Up to this fraction of the expiry is taken off the refresh time at random.
    public var refreshJitter: Double
    /// The first retry delay after a temporary failure; doubled per failure in a row.
    public var backoffBase: Double
    /// The largest retry delay after temporary failures (Retry-After may ask for longer).
    public var backoffCap: Double
    /// How long a `rejected` trunk waits before trying the same credentials again.
    public var rejectedRetry: Double
    /// The longest Retry-After honoured.
    public var retryAfterCap: Double

    /// Creates timing rules.
    public init(
        initialDelayMax: Double = 10, refreshMargin: Double = 30, refreshJitter: Double = 0.05, backoffBase: Double = 2,
        backoffCap: Double = 300, rejectedRetry: Double = 3600, retryAfterCap: Double = 86_400
    ) {
        self.initialDelayMax = initialDelayMax
        self.refreshMargin = refreshMargin
        self.refreshJitter = refreshJitter
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.rejectedRetry = rejectedRetry
        self.retryAfterCap = retryAfterCap
    }

    /// The defaults: first REGISTER within 10 s, refresh 30 s early less up to 5 % of the
    /// expiry, backoff 2 s doubling to 300 s, a rejected trunk retried hourly.
    public static let `default` = TrunkTiming()
}
