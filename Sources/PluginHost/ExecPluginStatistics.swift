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
    /// Times the command died (each followed by a restart after the backoff).
    public var deaths: UInt64 = 0
    /// How the command last ended (`exited with status 1`, `killed by signal 9`); nil while
    /// it never died.
    public var lastExit: String?

    /// Creates zeroed counters.
    public init() {}
}
