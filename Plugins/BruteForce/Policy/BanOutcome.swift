import SIPWardenPolicy

/// What became of an attempt to ban a source.
enum BanOutcome: Sendable {
    /// Banned, with this decision.
    case banned(Decision)
    /// Not banned because it holds this many live bindings (`ban_registered_sources: false`).
    case spared(bindings: Int)
}
