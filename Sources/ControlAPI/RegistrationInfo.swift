import Foundation

/// One binding as `GET /v1/registrations` lists it, and as `sipwardenctl registrations list
/// --json` prints it.
///
/// The JSON keys are a stable interface (documented in docs/cli.md); every key is always
/// present:
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `aor` | string | address of record, "sip:1001@example.com" |
/// | `contact` | string | the contact URI the phone registered |
/// | `expires_in` | integer | seconds until the binding lapses |
/// | `source` | string | where the REGISTER came from, "ip:port" ("[v6]:port") |
/// | `transport` | string | "UDP" or "TCP" |
/// | `user_agent` | string or null | the phone's User-Agent |
/// | `registered_at` | string | RFC 3339 UTC, when the binding was created |
/// | `nat` | bool | the Contact differs from the source address |
/// | `call_id` | string | Call-ID of the REGISTER that last changed the binding |
/// | `cseq` | integer | CSeq number of that REGISTER |
/// | `q` | number or null | the q-value, 0.0 to 1.0, null when the phone sent none |
/// | `received` | string | the received address and port (today the same as `source`) |
/// | `updated_at` | string | RFC 3339 UTC, when the binding was last refreshed |
/// | `status` | string | `registered`, `unreachable` or `expired` (`RegistrationStatus`) |
/// | `account` | string or null | the subscriber's account / customer tag |
public struct RegistrationInfo: Codable, Hashable, Sendable {
    /// The address of record, "sip:user@domain".
    public var aor: String
    /// The contact URI as the phone registered it.
    public var contact: String
    /// Whole seconds until the binding lapses (0 when it already has).
    public var expiresIn: Int
    /// The address the REGISTER came from, "ip:port" or "[ipv6]:port".
    public var source: String
    /// "UDP" or "TCP".
    public var transport: String
    /// The phone's User-Agent header, if it sent one.
    public var userAgent: String?
    /// When the binding was first created (whole seconds in JSON).
    public var registeredAt: Date
    /// Whether the phone is behind NAT.
    public var nat: Bool
    /// The Call-ID of the REGISTER that last changed the binding.
    public var callID: String
    /// The CSeq number of the REGISTER that last changed the binding.
    public var cseq: Int
    /// The q-value (0.0 ... 1.0), or nil when the phone sent none.
    public var q: Double?
    /// The received address and port, formatted like `source`.
    public var received: String
    /// When the binding was last refreshed or changed (whole seconds in JSON).
    public var updatedAt: Date
    /// Where the binding stands: registered, unreachable (missed keepalives) or expired.
    public var status: RegistrationStatus
    /// The account / customer tag of the subscriber the AOR belongs to, if it has one.
    public var account: String?

    /// Creates a listing entry. `received` defaults to `source`.
    public init(
        aor: String, contact: String, expiresIn: Int, source: String, transport: String,
        userAgent: String?, registeredAt: Date, nat: Bool, callID: String, cseq: Int,
        q: Double? = nil, received: String? = nil, updatedAt: Date,
        status: RegistrationStatus = .registered, account: String? = nil
    ) {
        self.status = status
        self.account = account
        self.aor = aor
        self.contact = contact
        self.expiresIn = expiresIn
        self.source = source
        self.transport = transport
        self.userAgent = userAgent
        self.registeredAt = registeredAt
        self.nat = nat
        self.callID = callID
        self.cseq = cseq
        self.q = q
        self.received = received ?? source
        self.updatedAt = updatedAt
    }

    /// Formats an address the way `source` and `received` carry it: "192.0.2.1:5060", or
    /// "[2001:db8::1]:5060" for IPv6.
    public static func address(ip: String, port: Int) -> String {
        ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    /// The JSON keys, in the order docs/cli.md lists them.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        /// `aor`
        case aor
        /// `contact`
        case contact
        /// `expires_in`
        case expiresIn = "expires_in"
        /// `source`
        case source
        /// `transport`
        case transport
        /// `user_agent`
        case userAgent = "user_agent"
        /// `registered_at`
        case registeredAt = "registered_at"
        /// `nat`
        case nat
        /// `call_id`
        case callID = "call_id"
        /// `cseq`
        case cseq
        /// `q`
        case q
        /// `received`
        case received
        /// `updated_at`
        case updatedAt = "updated_at"
        /// `status`
        case status
        /// `account`
        case account
    }

    /// Decodes a listing entry; `received` falls back to `source`, `status` to `registered`
    /// (answers of daemons older than the key).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        aor = try container.decode(String.self, forKey: .aor)
        contact = try container.decode(String.self, forKey: .contact)
        expiresIn = try container.decode(Int.self, forKey: .expiresIn)
        source = try container.decode(String.self, forKey: .source)
        transport = try container.decode(String.self, forKey: .transport)
        userAgent = try container.decodeIfPresent(String.self, forKey: .userAgent)
        registeredAt = try container.decodeRFC3339(.registeredAt)
        nat = try container.decode(Bool.self, forKey: .nat)
        callID = try container.decode(String.self, forKey: .callID)
        cseq = try container.decode(Int.self, forKey: .cseq)
        q = try container.decodeIfPresent(Double.self, forKey: .q)
        received = try container.decodeIfPresent(String.self, forKey: .received) ?? source
        updatedAt = try container.decodeRFC3339(.updatedAt)
        status = try container.decodeIfPresent(RegistrationStatus.self, forKey: .status) ?? .registered
        account = try container.decodeIfPresent(String.self, forKey: .account)
    }

    /// Encodes every key; `user_agent` and `q` as `null` when absent, dates as RFC 3339 UTC
    /// whatever the encoder's date strategy.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(aor, forKey: .aor)
        try container.encode(contact, forKey: .contact)
        try container.encode(expiresIn, forKey: .expiresIn)
        try container.encode(source, forKey: .source)
        try container.encode(transport, forKey: .transport)
        try container.encode(userAgent, forKey: .userAgent)
        try container.encode(RFC3339.format(registeredAt), forKey: .registeredAt)
        try container.encode(nat, forKey: .nat)
        try container.encode(callID, forKey: .callID)
        try container.encode(cseq, forKey: .cseq)
        try container.encode(q, forKey: .q)
        try container.encode(received, forKey: .received)
        try container.encode(RFC3339.format(updatedAt), forKey: .updatedAt)
        try container.encode(status, forKey: .status)
        try container.encode(account, forKey: .account)
    }
}
