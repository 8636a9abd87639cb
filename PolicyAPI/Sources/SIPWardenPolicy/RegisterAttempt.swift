/// A REGISTER that passed authentication, asked about before it is accepted.
public struct RegisterAttempt: Sendable {
    /// The packet's source address.
    public var source: IPAddress
    /// The packet's source port.
    public var sourcePort: Int
    /// "UDP" or "TCP".
    public var transport: String
    /// The address of record being registered.
    public var aor: String
    /// The authenticated digest username.
    public var username: String
    /// The User-Agent header, when one was sent.
    public var userAgent: String?
    /// The Contact URI being bound.
    public var contact: String
    /// Where this AOR's live bindings registered from, before this attempt.
    public var liveBindingSources: [IPAddress]
    /// This phone's allowed ranges; empty means no restriction.
    public var allowedRanges: [IPRange]
    /// When the attempt arrived, milliseconds since the Unix epoch.
    public var timeMilliseconds: Int64

    /// Creates an attempt description.
    public init(
        source: IPAddress, sourcePort: Int, transport: String, aor: String, username: String, userAgent: String?,
        contact: String, liveBindingSources: [IPAddress], allowedRanges: [IPRange], timeMilliseconds: Int64
    ) {
        self.source = source
        self.sourcePort = sourcePort
        self.transport = transport
        self.aor = aor
        self.username = username
        self.userAgent = userAgent
        self.contact = contact
        self.liveBindingSources = liveBindingSources
        self.allowedRanges = allowedRanges
        self.timeMilliseconds = timeMilliseconds
    }
}
