/// One registered contact of an address of record (RFC 3261 §10.3): where to reach a phone.
///
/// A binding is identified by its AOR and its contact URI (compared as RFC 3261 §19.1.4
/// equivalent URIs; `contactKey` holds the normalized form used for that comparison).
public struct Binding: Hashable, Codable, Sendable {
    /// The address of record in canonical form, "sip:user@domain" (lower-case host, no port,
    /// no parameters).
    public var aor: String
    /// The contact URI exactly as the phone registered it (serialized, without the enclosing
    /// angle brackets and without header parameters such as `expires` or `q`).
    public var contact: String
    /// The normalized contact URI used to recognise the same binding in a later REGISTER.
    public var contactKey: String
    /// Contact header parameters other than `expires` and `q`, serialized (";+sip.instance=...").
    public var contactParameters: String
    /// The q-value in thousandths (0...1000), or nil when the phone sent none.
    public var qThousandths: Int?
    /// When the binding lapses.
    public var expiresAt: Timestamp
    /// When this binding was first created.
    public var registeredAt: Timestamp
    /// When the last REGISTER refreshed or changed this binding.
    public var updatedAt: Timestamp
    /// The Call-ID of the REGISTER that last changed this binding.
    public var callID: String
    /// The CSeq number of the REGISTER that last changed this binding.
    public var cseq: UInt32
    /// The address the REGISTER came from (the "received" address and port).
    public var source: SourceAddress
    /// The transport the REGISTER came over.
    public var transport: Transport
    /// The phone's User-Agent header, if any.
    public var userAgent: String?
    /// Whether the phone is behind NAT: its Contact host/port differs from where the request
    /// came from.
    public var nat: Bool
    /// The Via header values of the last REGISTER, top first, joined by ", ".
    public var viaPath: String

    /// Creates a binding.
    public init(
        aor: String, contact: String, contactKey: String, contactParameters: String = "",
        qThousandths: Int? = nil, expiresAt: Timestamp, registeredAt: Timestamp, updatedAt: Timestamp,
        callID: String, cseq: UInt32, source: SourceAddress, transport: Transport,
        userAgent: String? = nil, nat: Bool = false, viaPath: String = ""
    ) {
        self.aor = aor
        self.contact = contact
        self.contactKey = contactKey
        self.contactParameters = contactParameters
        self.qThousandths = qThousandths
        self.expiresAt = expiresAt
        self.registeredAt = registeredAt
        self.updatedAt = updatedAt
        self.callID = callID
        self.cseq = cseq
        self.source = source
        self.transport = transport
        self.userAgent = userAgent
        self.nat = nat
        self.viaPath = viaPath
    }
}
