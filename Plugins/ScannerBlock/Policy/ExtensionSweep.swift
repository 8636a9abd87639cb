import SIPWardenPolicy

/// The usernames one address tried recently, for extension-sweep detection.
struct ExtensionSweep: Sendable {
    /// Each distinct username and when it was last tried.
    var usernames: [String: Int64] = [:]
    /// The latest events, the evidence of a ban (at most `sweep_usernames`).
    var evidence: [SecurityEvent] = []
    /// The latest attempt.
    var lastAt = Int64.min
}
