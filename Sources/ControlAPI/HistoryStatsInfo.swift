/// The registration history's figures in `GET /v1/stats` (key `history`) and `/metrics`.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `events_written` | number | events written to the history since the start |
/// | `events_dropped` | number | events not recorded because the history's queue was full (or its writes failed) |
/// | `queue_depth` | number | events waiting for the writer |
/// | `database_bytes` | number | the history file's size in use (pages in use times page size) |
/// | `minute_registrations`, `minute_refreshes`, `minute_removals`, `minute_failures` | number | the current minute's counts |
/// | `minute_peak_per_second` | number | the current minute's most successful REGISTERs in one second |
/// | `retention_deleted` | number | raw events deleted by retention and the size cap since the start |
public struct HistoryStatsInfo: Codable, Hashable, Sendable {
    /// Events written since the start.
    public var eventsWritten: Int
    /// Events not recorded (queue full, or a failed write).
    public var eventsDropped: Int
    /// Events waiting for the writer.
    public var queueDepth: Int
    /// Bytes of the history file in use.
    public var databaseBytes: Int
    /// New bindings in the current minute.
    public var minuteRegistrations: Int
    /// Refreshes in the current minute.
    public var minuteRefreshes: Int
    /// Bindings ended in the current minute.
    public var minuteRemovals: Int
    /// Failed attempts in the current minute.
    public var minuteFailures: Int
    /// The current minute's peak of successful REGISTERs in one second.
    public var minutePeakPerSecond: Int
    /// Raw events deleted by retention and the size cap since the start.
    public var retentionDeleted: Int

    /// Creates the figures.
    public init(
        eventsWritten: Int = 0, eventsDropped: Int = 0, queueDepth: Int = 0, databaseBytes: Int = 0, minuteRegistrations: Int = 0,
        minuteRefreshes: Int = 0, minuteRemovals: Int = 0, minuteFailures: Int = 0, minutePeakPerSecond: Int = 0, retentionDeleted: Int = 0
    ) {
        self.eventsWritten = eventsWritten
        self.eventsDropped = eventsDropped
        self.queueDepth = queueDepth
        self.databaseBytes = databaseBytes
        self.minuteRegistrations = minuteRegistrations
        self.minuteRefreshes = minuteRefreshes
        self.minuteRemovals = minuteRemovals
        self.minuteFailures = minuteFailures
        self.minutePeakPerSecond = minutePeakPerSecond
        self.retentionDeleted = retentionDeleted
    }

    enum CodingKeys: String, CodingKey {
        case eventsWritten = "events_written", eventsDropped = "events_dropped", queueDepth = "queue_depth"
        case databaseBytes = "database_bytes", minuteRegistrations = "minute_registrations", minuteRefreshes = "minute_refreshes"
        case minuteRemovals = "minute_removals", minuteFailures = "minute_failures", minutePeakPerSecond = "minute_peak_per_second"
        case retentionDeleted = "retention_deleted"
    }
}
