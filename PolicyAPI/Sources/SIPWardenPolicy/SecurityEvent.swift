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
    /// The source port of the packet; 0 when there is none.
    public var sourcePort: Int
    /// The text fields, in one shared immutable box: an event is copied into every consumer
    /// (the plugins' ring and each plugin, the security log, the history), and a copy costs
    /// one reference count instead of one per string. A setter replaces the box.
    private var texts: Texts

    /// What happened, e.g. "auth.failed" (``SecurityEventKind`` lists them).
    public var kind: String {
        get { texts.fields.kind }
        set { update { $0.kind = newValue } }
    }
    /// The source IP address of the packet, without brackets; empty when there is none.
    public var sourceIP: String {
        get { texts.fields.sourceIP }
        set { update { $0.sourceIP = newValue } }
    }
    /// "UDP" or "TCP"; empty when the event did not come from a packet.
    public var transport: String {
        get { texts.fields.transport }
        set { update { $0.transport = newValue } }
    }
    /// The address of record concerned, when known.
    public var aor: String? {
        get { texts.fields.aor }
        set { update { $0.aor = newValue } }
    }
    /// The digest username presented, when one was.
    public var username: String? {
        get { texts.fields.username }
        set { update { $0.username = newValue } }
    }
    /// The User-Agent header, when one was sent.
    public var userAgent: String? {
        get { texts.fields.userAgent }
        set { update { $0.userAgent = newValue } }
    }
    /// The Contact URI of the binding concerned, when there is one.
    public var contact: String? {
        get { texts.fields.contact }
        set { update { $0.contact = newValue } }
    }
    /// A kind-specific detail ("wrong_password", a parse error, a plugin's explanation).
    public var detail: String? {
        get { texts.fields.detail }
        set { update { $0.detail = newValue } }
    }

    /// Creates an event of the current schema version.
    public init(
        id: UInt64 = 0, timeMilliseconds: Int64, kind: String, sourceIP: String, sourcePort: Int, transport: String,
        aor: String? = nil, username: String? = nil, userAgent: String? = nil, contact: String? = nil, detail: String? = nil
    ) {
        self.version = Self.schemaVersion
        self.id = id
        self.timeMilliseconds = timeMilliseconds
        self.sourcePort = sourcePort
        self.texts = Texts(TextFields(
            kind: kind, sourceIP: sourceIP, transport: transport, aor: aor, username: username,
            userAgent: userAgent, contact: contact, detail: detail))
    }

    /// Decodes an event; every field but `kind` may be missing (see the type's note).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? Self.schemaVersion
        id = try c.decodeIfPresent(UInt64.self, forKey: .id) ?? 0
        timeMilliseconds = try c.decodeIfPresent(Int64.self, forKey: .timeMilliseconds) ?? 0
        let kind = try c.decode(String.self, forKey: .kind)
        let sourceIP = try c.decodeIfPresent(String.self, forKey: .sourceIP) ?? ""
        sourcePort = try c.decodeIfPresent(Int.self, forKey: .sourcePort) ?? 0
        texts = Texts(TextFields(
            kind: kind, sourceIP: sourceIP,
            transport: try c.decodeIfPresent(String.self, forKey: .transport) ?? "",
            aor: try c.decodeIfPresent(String.self, forKey: .aor),
            username: try c.decodeIfPresent(String.self, forKey: .username),
            userAgent: try c.decodeIfPresent(String.self, forKey: .userAgent),
            contact: try c.decodeIfPresent(String.self, forKey: .contact),
            detail: try c.decodeIfPresent(String.self, forKey: .detail)))
    }

    /// Encodes the fields in schema order; absent optional fields are left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let fields = texts.fields
        try c.encode(version, forKey: .version)
        try c.encode(id, forKey: .id)
        try c.encode(timeMilliseconds, forKey: .timeMilliseconds)
        try c.encode(fields.kind, forKey: .kind)
        try c.encode(fields.sourceIP, forKey: .sourceIP)
        try c.encode(sourcePort, forKey: .sourcePort)
        try c.encode(fields.transport, forKey: .transport)
        try c.encodeIfPresent(fields.aor, forKey: .aor)
        try c.encodeIfPresent(fields.username, forKey: .username)
        try c.encodeIfPresent(fields.userAgent, forKey: .userAgent)
        try c.encodeIfPresent(fields.contact, forKey: .contact)
        try c.encodeIfPresent(fields.detail, forKey: .detail)
    }

    public static func == (lhs: SecurityEvent, rhs: SecurityEvent) -> Bool {
        lhs.version == rhs.version && lhs.id == rhs.id && lhs.timeMilliseconds == rhs.timeMilliseconds
            && lhs.sourcePort == rhs.sourcePort && (lhs.texts === rhs.texts || lhs.texts.fields == rhs.texts.fields)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(version)
        hasher.combine(id)
        hasher.combine(timeMilliseconds)
        hasher.combine(sourcePort)
        hasher.combine(texts.fields)
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

    /// The event's text fields.
    private struct TextFields: Hashable, Sendable {
        var kind: String
        var sourceIP: String
        var transport: String
        var aor: String?
        var username: String?
        var userAgent: String?
        var contact: String?
        var detail: String?
    }

    /// An immutable box of text fields, shared by every copy of an event.
    private final class Texts: Sendable {
        let fields: TextFields
        init(_ fields: TextFields) { self.fields = fields }
    }

    /// Replaces the box with one holding the changed fields (copies of the event keep theirs).
    private mutating func update(_ change: (inout TextFields) -> Void) {
        var fields = texts.fields
        change(&fields)
        texts = Texts(fields)
    }
}
