/// How much of a flood the security log writes (`security_log.*`): repeats of one kind from one
/// source are folded into `log.repeated` lines, and each kind is capped at a number of lines a
/// second, the rest counted in `log.suppressed` lines. Events still reach the plugins unchanged;
/// only the writing is bounded.
public struct SecurityLogLimits: Hashable, Sendable {
    /// Lines written per (kind, source address) in each `repeatInterval` before further ones
    /// are only counted (`security_log.repeat_after`); 0 writes every one.
    public var repeatAfter: Int = 10
    /// Seconds of one folding window (`security_log.repeat_interval`); at its end the count of
    /// the lines not written becomes one `log.repeated` line.
    public var repeatInterval: Int64 = 60
    /// Lines of one kind written per second, summaries included (`security_log.max_lines_per_second`);
    /// further ones are counted in a `log.suppressed` line. 0: no cap.
    public var maxLinesPerSecond: Int = 200
    /// (kind, source address) pairs tracked at once (`security_log.max_sources`); when full the
    /// older half is summarised and forgotten, so rotating addresses cannot grow the table.
    public var maxSources: Int = 10_000

    /// The defaults.
    public init() {}

    /// Creates limits.
    public init(repeatAfter: Int, repeatInterval: Int64, maxLinesPerSecond: Int, maxSources: Int) {
        self.repeatAfter = repeatAfter
        self.repeatInterval = repeatInterval
        self.maxLinesPerSecond = maxLinesPerSecond
        self.maxSources = maxSources
    }

    /// Every line written, as before these limits existed.
    public static let unlimited = SecurityLogLimits(repeatAfter: 0, repeatInterval: 60, maxLinesPerSecond: 0, maxSources: 10_000)
}
