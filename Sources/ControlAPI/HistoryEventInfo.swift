import Foundation

/// One recorded event as `GET /v1/history` (`sipwardenctl history --json`) returns it: the
/// security event's fields (docs/events.md) and what the history adds.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `id` | number | the event's id in the daemon that recorded it (ids start again at a restart) |
/// | `time` | string | when it happened, RFC 3339 UTC |
/// | `time_ms` | number | the same, milliseconds since the Unix epoch |
/// | `kind` | string | the event kind |
/// | `aor`, `number`, `username`, `account` | string or null | the AOR, its user part (else the username), the digest username, the subscriber's account tag at the time |
/// | `source_ip`, `source_port`, `transport` | string, number, string | where the packet came from ("" and 0 when none) |
/// | `user_agent`, `contact`, `detail` | string or null | as in the security event |
public struct HistoryEventInfo: Codable, Hashable, Sendable {
    /// The event's id in the daemon that recorded it.
    public var id: UInt64
    /// Milliseconds since the Unix epoch.
    public var timeMilliseconds: Int64
    /// The event kind.
    public var kind: String
    /// The address of record, when known.
    public var aor: String?
    /// The AOR's user part, else the digest username.
    public var number: String?
    /// The digest username presented.
    public var username: String?
    /// The subscriber's account tag when the event was recorded.
    public var account: String?
    /// The source address ("" when none).
    public var sourceIP: String
    /// The source port (0 when none).
    public var sourcePort: Int
    /// "UDP", "TCP" or "".
    public var transport: String
    /// The User-Agent header.
    public var userAgent: String?
    /// The Contact URI.
    public var contact: String?
    /// The kind-specific detail.
    public var detail: String?

    /// Creates an event row.
    public init(
        id: UInt64, timeMilliseconds: Int64, kind: String, aor: String?, number: String?, username: String?, account: String?,
        sourceIP: String, sourcePort: Int, transport: String, userAgent: String?, contact: String?, detail: String?
    ) {
        self.id = id
        self.timeMilliseconds = timeMilliseconds
        self.kind = kind
        self.aor = aor
        self.number = number
        self.username = username
        self.account = account
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.transport = transport
        self.userAgent = userAgent
        self.contact = contact
        self.detail = detail
    }

    /// When it happened.
    public var time: Date { Date(timeIntervalSince1970: Double(timeMilliseconds) / 1000) }

    /// The event as ban evidence and `registrations show` carry it.
    public var evidence: BanEvidenceEvent {
        BanEvidenceEvent(
            id: id, timeMilliseconds: timeMilliseconds, kind: kind, sourceIP: sourceIP, sourcePort: sourcePort, transport: transport,
            aor: aor, username: username, userAgent: userAgent, contact: contact, detail: detail)
    }

    enum CodingKeys: String, CodingKey {
        case id, time, kind, aor, number, username, account, transport, contact, detail
        case timeMilliseconds = "time_ms", sourceIP = "source_ip", sourcePort = "source_port", userAgent = "user_agent"
    }

    /// Decodes a row (`time` is derived, so ignored).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(UInt64.self, forKey: .id) ?? 0
        timeMilliseconds = try c.decode(Int64.self, forKey: .timeMilliseconds)
        kind = try c.decode(String.self, forKey: .kind)
        aor = try c.decodeIfPresent(String.self, forKey: .aor)
        number = try c.decodeIfPresent(String.self, forKey: .number)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        account = try c.decodeIfPresent(String.self, forKey: .account)
        sourceIP = try c.decodeIfPresent(String.self, forKey: .sourceIP) ?? ""
        sourcePort = try c.decodeIfPresent(Int.self, forKey: .sourcePort) ?? 0
        transport = try c.decodeIfPresent(String.self, forKey: .transport) ?? ""
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent)
        contact = try c.decodeIfPresent(String.self, forKey: .contact)
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
    }

    /// Encodes every key, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(RFC3339.format(epochSeconds: Self.floorSeconds(timeMilliseconds)), forKey: .time)
        try c.encode(timeMilliseconds, forKey: .timeMilliseconds)
        try c.encode(kind, forKey: .kind)
        try c.encode(aor, forKey: .aor)
        try c.encode(number, forKey: .number)
        try c.encode(username, forKey: .username)
        try c.encode(account, forKey: .account)
        try c.encode(sourceIP, forKey: .sourceIP)
        try c.encode(sourcePort, forKey: .sourcePort)
        try c.encode(transport, forKey: .transport)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(contact, forKey: .contact)
        try c.encode(detail, forKey: .detail)
    }

    static func floorSeconds(_ milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    }
}
