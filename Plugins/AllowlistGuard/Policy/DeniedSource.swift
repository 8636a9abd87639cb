import SIPWardenPolicy

/// What the allowlist plugin remembers about one address that was refused.
struct DeniedSource: Sendable {
    /// Its latest denials within the window, oldest first (at most `max_denials`): the evidence.
    var denials: [SecurityEvent] = []
    /// Until when it is banned; denials meanwhile (events in flight) are ignored.
    var bannedUntil = Int64.min
    /// Until when no new alert is raised for it (a spared source holding live bindings).
    var quietUntil = Int64.min
    /// Its latest denial (for eviction when the table is full).
    var lastSeen = Int64.min
}
