import SIPWardenPolicy

/// A source that ran over a budget recently: the windows it did, for escalation to a ban.
struct RateOffender: Sendable {
    /// Window numbers (time / window length) in which the source was over, oldest first.
    var windows: [Int64] = []
    /// The reports made, kept as the evidence of a ban (as many as `ban_after_windows`).
    var evidence: [SecurityEvent] = []
    /// Until when the source is banned (reports meanwhile are ignored).
    var bannedUntil = Int64.min
    /// Until when no new alert is raised for a spared source (one holding live bindings).
    var quietUntil = Int64.min
    /// The latest window with a report.
    var lastWindow: Int64 = -1
}
