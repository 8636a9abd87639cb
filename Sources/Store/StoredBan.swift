import Registrar

/// One ban as the store keeps it: what is blocked, until when, who asked and why.
///
/// `target` is an IP address ("192.0.2.7", "2001:db8::1") or a CIDR range ("192.0.2.0/24") in
/// the canonical text the firewall prints, so one target is one row. The store does not parse
/// it: the daemon canonicalises before storing.
public struct StoredBan: Hashable, Sendable {
    /// How many evidence events a ban keeps at most; a re-ban keeps the most recent ones.
    public static let maximumEvidence = 50

    /// The banned address or CIDR range, canonical text.
    public var target: String
    /// When the ban was first put in force (a re-ban while it is in force keeps this).
    public var createdAt: Timestamp
    /// When the ban lapses.
    public var expiresAt: Timestamp
    /// Who asked: a plugin name ("bruteforce"), "operator", or "fail2ban <jail>".
    public var source: String
    /// Why, in words, as the plugin or operator gave it.
    public var reason: String
    /// The security events that caused the ban: a JSON array of SecurityEvent objects
    /// ("[]" when there are none). Kept as text so the store needs no plugin API types.
    public var evidenceJSON: String

    /// Creates a ban record.
    public init(
        target: String, createdAt: Timestamp, expiresAt: Timestamp, source: String, reason: String,
        evidenceJSON: String = "[]"
    ) {
        self.target = target
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.source = source
        self.reason = reason
        self.evidenceJSON = evidenceJSON
    }

    /// Whether the ban is in force at `now` (it lapses at `expiresAt`).
    public func isActive(at now: Timestamp) -> Bool { expiresAt > now }
}
