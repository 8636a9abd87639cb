import SIPWardenPolicy

/// What the bruteforce plugin remembers about one source address.
struct FailingSource: Sendable {
    /// Times of its failures within the window, oldest first (at most `max_failures`).
    var failureTimes: [Int64] = []
    /// Its latest failures within the window, the evidence of a ban (at most `evidence_events`).
    var evidence: [SecurityEvent] = []
    /// Bans so far (reset once `remember_offences` passed after the last ban ended).
    var offences = 0
    /// Until when it is banned; failures meanwhile (events still in flight) are ignored.
    var bannedUntil = Int64.min
    /// When its offences are forgotten.
    var forgetOffencesAt = Int64.min
    /// Until when no new alert is raised for it (a spared source holding live bindings).
    var quietUntil = Int64.min
    /// Its latest failure (for eviction when the table is full).
    var lastSeen = Int64.min
}
