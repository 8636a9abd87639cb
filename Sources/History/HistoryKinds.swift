import SIPWardenPolicy

/// Which security events the history keeps: the registration-related kinds, exactly, and
/// whole families by prefix (alerts and trunks, whatever kinds they grow). A new kind is one
/// line here.
public enum HistoryKinds {
    /// Kinds kept exactly, beyond the families of `prefixes` (every `register.*` kind is one).
    public static let exact: Set<String> = [
        SecurityEventKind.authFailed, SecurityEventKind.authUnknownUser, SecurityEventKind.authStaleNonce,
        SecurityEventKind.aclDenied, SecurityEventKind.rateExceeded, SecurityEventKind.hijackSuspected,
        SecurityEventKind.banAdded, SecurityEventKind.banRemoved, SecurityEventKind.banExpired,
        SecurityEventKind.banImported,
    ]

    /// Families kept by prefix.
    public static let prefixes: [String] = ["register.", "alert.", "trunk."]

    /// Whether events of `kind` go into the history.
    public static func records(_ kind: String) -> Bool {
        // The families first: `register.*`, the commonest kept kind, then costs no hashing.
        prefixes.contains { kind.hasPrefix($0) } || exact.contains(kind)
    }

    /// Kinds counted as new bindings in the rollups.
    static let registrations: Set<String> = [SecurityEventKind.registerAccepted]
    /// Kinds counted as refreshes.
    static let refreshes: Set<String> = [SecurityEventKind.registerRefreshed]
    /// Kinds counted as bindings ended.
    static let removals: Set<String> = [SecurityEventKind.registerRemoved, SecurityEventKind.registerExpired, SecurityEventKind.registerForcedOut]
    /// Kinds counted as failed attempts (by kind in the rollups).
    static let failures: Set<String> = [
        SecurityEventKind.authFailed, SecurityEventKind.authUnknownUser, SecurityEventKind.authStaleNonce, SecurityEventKind.aclDenied,
        SecurityEventKind.registerRejected, SecurityEventKind.rateExceeded,
    ]
}
