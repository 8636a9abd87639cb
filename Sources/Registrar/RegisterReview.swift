import SIPWardenPolicy

/// What the registrar tells an outside reviewer (the security policy) about a REGISTER that
/// passed authentication, before any binding changes.
public struct RegisterReview: Sendable {
    /// Where the request came from.
    public var source: SourceAddress
    /// The transport it came over.
    public var transport: Transport
    /// The address of record it registers.
    public var aor: String
    /// The authenticated (or, without authentication, claimed) username.
    public var username: String
    /// The User-Agent header, if any.
    public var userAgent: String?
    /// The first contact URI of the request.
    public var contact: String
    /// The source addresses of the AOR's live bindings before this request.
    public var liveBindingSources: [IPAddress]
    /// When the request arrived.
    public var now: Timestamp
    /// The provisioned subscriber owning the AOR, as the registrar found it (nil when none is).
    public var owner: Subscriber?

    /// Creates a review.
    public init(source: SourceAddress, transport: Transport, aor: String, username: String, userAgent: String?,
                contact: String, liveBindingSources: [IPAddress], now: Timestamp, owner: Subscriber? = nil) {
        self.source = source
        self.transport = transport
        self.aor = aor
        self.username = username
        self.userAgent = userAgent
        self.contact = contact
        self.liveBindingSources = liveBindingSources
        self.now = now
        self.owner = owner
    }
}

/// A reviewer's answer.
public enum RegisterReviewVerdict: Hashable, Sendable {
    /// Go on with RFC 3261 processing.
    case allow
    /// Refuse with `status` and `reason`; `eventKind` names the event recorded (e.g. an ACL
    /// refusal is `acl.denied`).
    case refuse(status: Int, reason: String, eventKind: RegistrarEvent.Kind, detail: String)
    /// Ask me later: ``Registrar/handleRegister(_:source:transport:now:salt:reviewer:access:)``
    /// stops before any binding changes and returns ``RegisterOutcome/pending``, so the review
    /// can run outside the caller's lock; ``Registrar/finishRegister(_:verdict:)`` goes on.
    case later
}
