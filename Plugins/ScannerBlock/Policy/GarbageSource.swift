import SIPWardenPolicy

/// An address that sent messages the daemon could not use (`request.malformed`,
/// `transport.junk`) recently, for the malformed-traffic rule.
struct GarbageSource: Sendable {
    /// Times of its latest such events within the window, oldest first (at most `malformed_limit`).
    var times: [Int64] = []
    /// Its latest such events, the evidence of a ban (at most ``ScannerPolicy/malformedEvidence``).
    var evidence: [SecurityEvent] = []
    /// Its latest such event (for eviction when the table is full).
    var lastAt = Int64.min
}
