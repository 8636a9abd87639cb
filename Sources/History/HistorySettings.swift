/// How the registration history is kept (`history.*` in the configuration).
public struct HistorySettings: Hashable, Sendable {
    /// The history file's name in the data directory.
    public static let fileName = "history.sqlite"

    /// Whether events are recorded at all (`history.enabled`).
    public var enabled = true
    /// Seconds raw events are kept (`history.retention`, default 30 days).
    public var retentionSeconds: Int64 = 30 * 86_400
    /// Seconds the per-minute and per-hour rollups are kept (`history.rollup_retention`, default 365 days).
    public var rollupRetentionSeconds: Int64 = 365 * 86_400
    /// The most bytes the history file may use (`history.max_size`, default 1 GiB): beyond it
    /// the oldest raw events are deleted first, then the oldest rollups.
    public var maxSizeBytes: Int64 = 1 << 30
    /// Events waiting for the writer at most (`history.queue_size`); more are dropped and counted.
    public var queueCapacity = 65_536

    /// The defaults.
    public init() {}

    /// The history file's path in `dataDirectory`.
    public static func path(dataDirectory: String) -> String { dataDirectory + "/" + fileName }
}
