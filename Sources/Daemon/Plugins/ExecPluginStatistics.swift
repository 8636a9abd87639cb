/// Counters of one exec plugin since it was created.
public struct ExecPluginStatistics: Hashable, Sendable {
    /// Events written to the command's stdin.
    public var eventsWritten: UInt64 = 0
    /// Events dropped because the queue was full (the command reads too slowly, or is down).
    public var eventsDropped: UInt64 = 0
    /// Events that were being written when the command died.
    public var eventsLost: UInt64 = 0
    /// Decisions read from the command's stdout.
    public var decisions: UInt64 = 0
    /// Output lines that were not a decision (logged and ignored).
    public var malformedLines: UInt64 = 0
    /// Times the command was started (the first start included).
    public var starts: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}
}
