/// One security-relevant fact, in the single versioned schema that plugins, the security log,
/// history and the control API share (docs/events.md describes every field and kind).
///
/// Field names are stable; a new field may be added in a later schema version, never renamed
/// or retyped. Decoding is lenient: only `kind` is required, so an exec plugin may report an
/// event with just the fields it knows (the host fills in the time), and lines written by an
/// older schema version still read.
public struct SecurityEvent: Hashable, Codable, Sendable {
    /// The schema version of this event's shape.
    public static let schemaVersion = 1

    /// The schema version the event was written with.
    public var version: Int
    /// Host-assigned sequence number, increasing over the daemon's life; 0 until assigned.
    public var id: UInt64
    /// When it happened, milliseconds since the Unix epoch.
    public var timeMilliseconds: Int64
    /// What happened, e.g. "auth.failed" (``SecurityEventKind`` lists them).
    public var kind: String
    /// The source IP address of the packet, without brackets; empty when there is none.
    public var sourceIP: String
    /// The source port of the packet; 0 when there is none.
    public var sourcePort: Int
    /// "UDP" or "TCP"; empty when the event did not come from a packet.
    public var transport: String
    /// The address of record concerned, when known.
    public var aor: String?
    /// The digest username presented, when one was.
    public var username: String?
    /// The User-Agent header, when one was sent.
    public var userAgent: String?
    /// The Contact URI of the binding concerned, when there is one.
    public var contact: String?
    /// A kind-specific detail ("wrong_password", a parse error, a plugin's explanation).
    public var detail: String?

    /// Creates an event of the current schema version.
    public init(
        id: UInt64 = 0, timeMilliseconds: Int64, kind: String, sourceIP: String, sourcePort: Int, transport: String,
        aor: String? = nil, username: String? = nil, userAgent: String? = nil, contact: String? = nil, detail: String? = nil
    ) {
        self.version = Self.schemaVersion
        self.id = id
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

    /// Decodes an event; every field but `kind` may be missing (see the type's note).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? Self.schemaVersion
        id = try c.decodeIfPresent(UInt64.self, forKey: .id) ?? 0
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

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case id
        case timeMilliseconds = "time_ms"
        case kind
        case sourceIP = "source_ip"
        case sourcePort = "source_port"
        case transport
        case aor
        case username
        case userAgent = "user_agent"
        case contact
        case detail
    }
}
