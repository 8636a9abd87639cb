/// `trunk_timing.*`: how the trunk client spaces its REGISTERs, in seconds (docs/trunks.md).
public struct TrunkTimingSettings: Sendable {
    /// `initial_delay_max`: the largest random delay before a trunk's first REGISTER at start.
    public var initialDelayMax: Double = 10
    /// `refresh_margin`: how long before the granted expiry a refresh goes out (at most half of it).
    public var refreshMargin: Double = 30
    /// `backoff_base`: the first retry delay after a temporary failure, doubled per failure.
    public var backoffBase: Double = 2
    /// `backoff_cap`: the longest retry delay after temporary failures.
    public var backoffCap: Double = 300
    /// `rejected_retry`: how long a trunk whose credentials were refused waits to try again.
    public var rejectedRetry: Double = 3600
    /// `nameserver`: an IPv4 `HOST:PORT` (port 53 when absent) to ask for the trunks' SRV, A
    /// and AAAA records instead of resolv.conf's nameservers; nil for the system's resolver.
    public var nameserver: (host: String, port: UInt16)?

    /// The defaults.
    public init() {}
}
