/// One security-relevant fact, in the single versioned schema that plugins, the security log,
/// history and the control API share.
///
/// Field names are stable; a new field may be added in a later schema version, never renamed.
public struct SecurityEvent: Hashable, Codable, Sendable {
    /// The schema version of this event's shape.
    public static let schemaVersion = 1

    /// The schema version the event was written with.
    public var version: Int
    /// When it happened, milliseconds since the Unix epoch.
    public var timeMilliseconds: Int64
    /// What happened, e.g. "auth.failed" (see DESIGN.md's list of kinds).
    public var kind: String
    /// The source IP address of the packet, without brackets.
    public var sourceIP: String
    /// The source port of the packet.
    public var sourcePort: Int
    /// "UDP" or "TCP".
    public var transport: String
    /// The address of record concerned, when known.
    public var aor: String?
    /// The digest username presented, when one was.
    public var username: String?
    /// The User-Agent header, when one was sent.
    public var userAgent: String?
    /// A kind-specific detail ("wrong_password", a parse error, a contact URI).
    public var detail: String?

    /// Creates an event of the current schema version.
    public init(
        timeMilliseconds: Int64, kind: String, sourceIP: String, sourcePort: Int, transport: String,
        aor: String? = nil, username: String? = nil, userAgent: String? = nil, detail: String? = nil
    ) {
        self.version = Self.schemaVersion
        self.timeMilliseconds = timeMilliseconds
        self.kind = kind
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.transport = transport
        self.aor = aor
        self.username = username
        self.userAgent = userAgent
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case timeMilliseconds = "time_ms"
        case kind
        case sourceIP = "source_ip"
        case sourcePort = "source_port"
        case transport
        case aor
        case username
        case userAgent = "user_agent"
        case detail
    }
}
