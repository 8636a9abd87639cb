import Foundation

/// One security event stored as evidence for a ban, as `GET /v1/bans/{target}/why` returns
/// it: the plugin API's `SecurityEvent`, field for field and with the same JSON keys (this
/// module does not import the plugin API, so it mirrors the shape).
///
/// Decoding is lenient (only `kind` is required) so that evidence written by any schema
/// version, or by an exec plugin that sent partial events, still shows. Encoding writes every
/// key, `null` for absent values.
public struct BanEvidenceEvent: Codable, Hashable, Sendable {
    /// The event's id, host-assigned and increasing (0 when it had none).
    public var id: UInt64
    /// The schema version the event was written with (`v`).
    public var version: Int
    /// When it happened, milliseconds since the Unix epoch (`time_ms`).
    public var timeMilliseconds: Int64
    /// What happened, e.g. "auth.failed".
    public var kind: String
    /// The packet's source address (`source_ip`).
    public var sourceIP: String
    /// The packet's source port (`source_port`).
    public var sourcePort: Int
    /// "UDP" or "TCP".
    public var transport: String
    /// The address of record concerned, when known.
    public var aor: String?
    /// The digest username presented, when one was.
    public var username: String?
    /// The User-Agent header, when one was sent (`user_agent`).
    public var userAgent: String?
    /// The Contact of the REGISTER, when there was one.
    public var contact: String?
    /// A kind-specific detail ("wrong_password", a parse error).
    public var detail: String?

    /// Creates an evidence event.
    public init(
        id: UInt64 = 0, version: Int = 1, timeMilliseconds: Int64, kind: String, sourceIP: String, sourcePort: Int = 0,
        transport: String = "", aor: String? = nil, username: String? = nil, userAgent: String? = nil,
        contact: String? = nil, detail: String? = nil
    ) {
        self.id = id
        self.version = version
        self.timeMilliseconds = timeMilliseconds
        self.kind = kind
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.transport = transport
        self.aor = aor
        self.username = username
        self.userAgent = userAgent
        self.contact = contact
        self.detail = detail
    }

    /// Decodes a JSON array of events (a stored ban's evidence text); "" counts as none.
    public static func decodeArray(fromJSON text: String) throws -> [BanEvidenceEvent] {
        guard !text.trimmingBlanks().isEmpty else { return [] }
        return try ControlJSON.makeDecoder().decode([BanEvidenceEvent].self, from: Data(text.utf8))
    }

    /// When the event happened, as a date.
    public var time: Date { Date(timeIntervalSince1970: Double(timeMilliseconds) / 1000) }

    /// The JSON keys: the `SecurityEvent` schema's.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        /// `id`
        case id
        /// `v`
        case version = "v"
        /// `time_ms`
        case timeMilliseconds = "time_ms"
        /// `kind`
        case kind
        /// `source_ip`
        case sourceIP = "source_ip"
        /// `source_port`
        case sourcePort = "source_port"
        /// `transport`
        case transport
        /// `aor`
        case aor
        /// `username`
        case username
        /// `user_agent`
        case userAgent = "user_agent"
        /// `contact`
        case contact
        /// `detail`
        case detail
    }

    /// Decodes an event; every key but `kind` may be missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(UInt64.self, forKey: .id) ?? 0
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        timeMilliseconds = try c.decodeIfPresent(Int64.self, forKey: .timeMilliseconds) ?? 0
        kind = try c.decode(String.self, forKey: .kind)
        sourceIP = try c.decodeIfPresent(String.self, forKey: .sourceIP) ?? ""
        sourcePort = try c.decodeIfPresent(Int.self, forKey: .sourcePort) ?? 0
        transport = try c.decodeIfPresent(String.self, forKey: .transport) ?? ""
        aor = try c.decodeIfPresent(String.self, forKey: .aor)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent)
        contact = try c.decodeIfPresent(String.self, forKey: .contact)
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
    }

    /// Encodes every key; absent optional values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(version, forKey: .version)
        try c.encode(timeMilliseconds, forKey: .timeMilliseconds)
        try c.encode(kind, forKey: .kind)
        try c.encode(sourceIP, forKey: .sourceIP)
        try c.encode(sourcePort, forKey: .sourcePort)
        try c.encode(transport, forKey: .transport)
        try c.encode(aor, forKey: .aor)
        try c.encode(username, forKey: .username)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(contact, forKey: .contact)
        try c.encode(detail, forKey: .detail)
    }
}
