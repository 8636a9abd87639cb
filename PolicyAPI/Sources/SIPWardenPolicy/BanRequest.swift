/// A plugin's request to ban an address or range for a while.
///
/// JSON: `{"target":"192.0.2.7","seconds":600,"reason":"...","evidence":[...]}`; `evidence`
/// may be missing. The host never bans a trusted address, whatever the request says.
public struct BanRequest: Hashable, Sendable, Codable {
    /// The address or range to ban.
    public var target: IPRange
    /// How long the ban lasts; banning again extends it.
    public var seconds: Int
    /// Why, in words an operator reads in `sipwardenctl ban list`.
    public var reason: String
    /// The events that caused the ban (`sipwardenctl ban why`).
    public var evidence: [SecurityEvent]

    /// Creates a ban request.
    public init(target: IPRange, seconds: Int, reason: String, evidence: [SecurityEvent] = []) {
        self.target = target
        self.seconds = seconds
        self.reason = reason
        self.evidence = evidence
    }

    /// Decodes a ban request; `evidence` and `reason` may be missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        target = try c.decode(IPRange.self, forKey: .target)
        seconds = try c.decode(Int.self, forKey: .seconds)
        reason = try c.decodeIfPresent(String.self, forKey: .reason) ?? ""
        evidence = try c.decodeIfPresent([SecurityEvent].self, forKey: .evidence) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case target, seconds, reason, evidence
    }
}
