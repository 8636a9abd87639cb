/// The level of a plugin's log line (the host maps it onto its own logger).
@frozen public enum PolicyLogLevel: String, Sendable {
    /// Details for whoever debugs the plugin.
    case debug
    /// Normal operation worth a line.
    case info
    /// Something is off but the plugin goes on.
    case warning
    /// Something failed.
    case error
}
