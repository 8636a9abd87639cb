import SIPWardenPolicy

/// One thing waiting in the security log's queue: encoded by the writer thread, so recording
/// costs the caller a lock and an append, never JSON work.
enum SecurityLogEntry: Sendable {
    /// A security event.
    case event(SecurityEvent)
    /// A plugin's (or the operator's) decision, when it was taken, and what became of it.
    case decision(Decision, plugin: String, timeMilliseconds: Int64, outcome: String?)
}
