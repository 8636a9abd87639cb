/// What the security log has done since it opened.
public struct SecurityLogStatistics: Hashable, Sendable {
    /// Lines written to the file.
    public var written: Int
    /// Lines refused because the queue was full (the writer could not keep up), or recorded
    /// after `close()`.
    public var dropped: Int
    /// Lines lost because a write or reopen failed (disk full, file removed with its
    /// directory).
    public var failed: Int
    /// Times the file was reopened (log rotation).
    public var reopens: Int
    /// Events not written on a line of their own but counted in a `log.repeated` or
    /// `log.suppressed` line (`SecurityLogLimits`).
    public var withheld: Int

    /// Creates statistics.
    public init(written: Int = 0, dropped: Int = 0, failed: Int = 0, reopens: Int = 0, withheld: Int = 0) {
        self.written = written
        self.dropped = dropped
        self.failed = failed
        self.reopens = reopens
        self.withheld = withheld
    }
}
