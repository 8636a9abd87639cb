import Foundation

/// `GET /v1/registrations/{aor}` (`sipwardenctl registrations show AOR --json`): every
/// binding of one AOR in full, and the latest security events about it.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `aor` | string | the address of record |
/// | `account` | string or null | the subscriber's account tag |
/// | `bindings` | array | `RegistrationBindingDetail` objects, live first, then expired ones still retained |
/// | `events` | array | the latest security events naming this AOR, oldest first (at most `RegistrationDetail.maxEvents`; keys as in docs/events.md) |
/// | `events_source` | string or null | where they were read: `history` (the history store), or `security_log` (the end of the security log, when `history.enabled` is false); null from older daemons |
public struct RegistrationDetail: Codable, Hashable, Sendable {
    /// How many recent events the daemon returns.
    public static let maxEvents = 10

    /// The address of record.
    public var aor: String
    /// The subscriber's account tag.
    public var account: String?
    /// Every binding of the AOR.
    public var bindings: [RegistrationBindingDetail]
    /// The latest security events about the AOR, oldest first.
    public var events: [BanEvidenceEvent]
    /// Where `events` came from: `eventsFromHistory` or `eventsFromSecurityLog`.
    public var eventsSource: String?

    /// `events_source` when the events were read from the history store.
    public static let eventsFromHistory = "history"
    /// `events_source` when the history is disabled and the events come from the end of the security log.
    public static let eventsFromSecurityLog = "security_log"

    /// Creates a detail answer.
    public init(aor: String, account: String?, bindings: [RegistrationBindingDetail], events: [BanEvidenceEvent]) {
        self.aor = aor
        self.account = account
        self.bindings = bindings
        self.events = events
    }

    private enum CodingKeys: String, CodingKey {
        case aor, account, bindings, events
        case eventsSource = "events_source"
    }

    /// Decodes the answer (`account` may be missing).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        aor = try container.decode(String.self, forKey: .aor)
        account = try container.decodeIfPresent(String.self, forKey: .account)
        bindings = try container.decode([RegistrationBindingDetail].self, forKey: .bindings)
        events = try container.decode([BanEvidenceEvent].self, forKey: .events)
        eventsSource = try container.decodeIfPresent(String.self, forKey: .eventsSource)
    }

    /// Encodes every key, `account` as null when absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(aor, forKey: .aor)
        try container.encode(account, forKey: .account)
        try container.encode(bindings, forKey: .bindings)
        try container.encode(events, forKey: .events)
        try container.encode(eventsSource, forKey: .eventsSource)
    }
}
