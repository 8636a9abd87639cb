/// What `GET /v1/bans/{target}/why` answers: the ban that blocks the target and the events
/// that caused it.
///
/// JSON keys: `ban` (a `BanInfo`; its `address` may be a range containing the address
/// asked about) and `evidence` (an array of `BanEvidenceEvent`, oldest first).
public struct BanWhyResponse: Codable, Hashable, Sendable {
    /// The ban in force.
    public var ban: BanInfo
    /// The events that caused it, oldest first (empty for an operator's ban).
    public var evidence: [BanEvidenceEvent]

    /// Creates an answer.
    public init(ban: BanInfo, evidence: [BanEvidenceEvent]) {
        self.ban = ban
        self.evidence = evidence
    }

    private enum CodingKeys: String, CodingKey {
        case ban, evidence
    }
}
