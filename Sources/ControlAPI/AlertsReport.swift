/// What `GET /v1/alerts?since=` answers (`sipwardenctl alerts --json`).
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `enabled` | boolean | whether the alert engine runs (`alerts.enabled` and a history to read) |
/// | `states` | array | `AlertStateInfo` of each watched alert, now |
/// | `events` | array | `AlertInfo`s in the window (default 7 days), newest first |
/// | `webhook` | object or null | `{"urls": N, "delivered": N, "failed": N, "dropped": N, "last_error": string or null}` with `alerts.webhook` set |
public struct AlertsReport: Codable, Hashable, Sendable {
    /// The webhook's figures.
    public struct Webhook: Codable, Hashable, Sendable {
        /// URLs configured.
        public var urls: Int
        /// POSTs answered 2xx.
        public var delivered: UInt64
        /// POSTs that failed.
        public var failed: UInt64
        /// Alerts dropped on a full queue.
        public var dropped: UInt64
        /// The last failure.
        public var lastError: String?

        /// Creates the figures.
        public init(urls: Int, delivered: UInt64, failed: UInt64, dropped: UInt64, lastError: String?) {
            self.urls = urls
            self.delivered = delivered
            self.failed = failed
            self.dropped = dropped
            self.lastError = lastError
        }

        enum CodingKeys: String, CodingKey {
            case urls, delivered, failed, dropped
            case lastError = "last_error"
        }

        /// Encodes every key, a missing error as null.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(urls, forKey: .urls)
            try c.encode(delivered, forKey: .delivered)
            try c.encode(failed, forKey: .failed)
            try c.encode(dropped, forKey: .dropped)
            try c.encode(lastError, forKey: .lastError)
        }
    }

    /// Whether the engine runs.
    public var enabled: Bool
    /// The watched alerts now.
    public var states: [AlertStateInfo]
    /// The alert events in the window, newest first.
    public var events: [AlertInfo]
    /// The webhook's figures, when one is configured.
    public var webhook: Webhook?

    /// Creates a report.
    public init(enabled: Bool, states: [AlertStateInfo], events: [AlertInfo], webhook: Webhook?) {
        self.enabled = enabled
        self.states = states
        self.events = events
        self.webhook = webhook
    }

    /// Encodes every key, a missing webhook as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(states, forKey: .states)
        try c.encode(events, forKey: .events)
        try c.encode(webhook, forKey: .webhook)
    }
}
