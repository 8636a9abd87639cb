/// What `POST /v1/trunks/{name}/{action}` does to a trunk.
public enum TrunkCommand: String, Codable, Hashable, Sendable, CaseIterable {
    /// Register it (and keep it registered across restarts).
    case enable
    /// Un-REGISTER it and stop (kept across restarts).
    case disable
    /// Register at once, forgetting a rejection.
    case refresh
}
