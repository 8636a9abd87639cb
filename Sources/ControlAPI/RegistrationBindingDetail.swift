import Foundation

/// One binding in full, as `registrations show` prints it: every key of `RegistrationInfo`
/// plus what only the detail view carries.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | (every `registrations list --json` key) | | |
/// | `via_path` | string | the Via headers of the last REGISTER, top first, joined by ", " (from the store) |
/// | `contact_parameters` | string | Contact parameters other than expires and q (";+sip.instance=...") |
/// | `instance` | string or null | the device's `+sip.instance` (RFC 5626), unquoted: `<urn:uuid:...>` |
/// | `reg_id` | string or null | the `reg-id` flow number (RFC 5626) |
/// | `keepalive_misses` | integer | keepalives missed in a row (0 when answering or not probed) |
/// | `last_keepalive_answer_at` | string or null | RFC 3339 UTC: the last keepalive answered |
/// | `unreachable_since` | string or null | RFC 3339 UTC: when it was marked unreachable |
public struct RegistrationBindingDetail: Codable, Hashable, Sendable {
    /// The listing fields.
    public var registration: RegistrationInfo
    /// The Via path of the last REGISTER.
    public var viaPath: String
    /// Contact header parameters other than expires and q.
    public var contactParameters: String
    /// The `+sip.instance` the phone registered with, unquoted; nil when none.
    public var instance: String?
    /// The `reg-id` the phone registered with; nil when none.
    public var regID: String?
    /// Keepalives missed in a row.
    public var keepaliveMisses: Int
    /// When a keepalive was last answered.
    public var lastKeepaliveAnswerAt: Date?
    /// When the binding was marked unreachable.
    public var unreachableSince: Date?

    /// Creates a detail entry.
    public init(
        registration: RegistrationInfo, viaPath: String, contactParameters: String = "", instance: String? = nil,
        regID: String? = nil, keepaliveMisses: Int = 0, lastKeepaliveAnswerAt: Date? = nil, unreachableSince: Date? = nil
    ) {
        self.registration = registration
        self.viaPath = viaPath
        self.contactParameters = contactParameters
        self.instance = instance
        self.regID = regID
        self.keepaliveMisses = keepaliveMisses
        self.lastKeepaliveAnswerAt = lastKeepaliveAnswerAt
        self.unreachableSince = unreachableSince
    }

    private enum CodingKeys: String, CodingKey {
        case viaPath = "via_path"
        case contactParameters = "contact_parameters"
        case instance
        case regID = "reg_id"
        case keepaliveMisses = "keepalive_misses"
        case lastKeepaliveAnswerAt = "last_keepalive_answer_at"
        case unreachableSince = "unreachable_since"
    }

    /// Decodes the listing keys and the detail keys from one object.
    public init(from decoder: any Decoder) throws {
        registration = try RegistrationInfo(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        viaPath = try container.decodeIfPresent(String.self, forKey: .viaPath) ?? ""
        contactParameters = try container.decodeIfPresent(String.self, forKey: .contactParameters) ?? ""
        instance = try container.decodeIfPresent(String.self, forKey: .instance)
        regID = try container.decodeIfPresent(String.self, forKey: .regID)
        keepaliveMisses = try container.decodeIfPresent(Int.self, forKey: .keepaliveMisses) ?? 0
        lastKeepaliveAnswerAt = try container.decodeIfPresent(String.self, forKey: .lastKeepaliveAnswerAt).flatMap(RFC3339.parse)
        unreachableSince = try container.decodeIfPresent(String.self, forKey: .unreachableSince).flatMap(RFC3339.parse)
    }

    /// Encodes one flat object: the listing keys, then the detail keys (null when absent).
    public func encode(to encoder: any Encoder) throws {
        try registration.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(viaPath, forKey: .viaPath)
        try container.encode(contactParameters, forKey: .contactParameters)
        try container.encode(instance, forKey: .instance)
        try container.encode(regID, forKey: .regID)
        try container.encode(keepaliveMisses, forKey: .keepaliveMisses)
        try container.encode(lastKeepaliveAnswerAt.map(RFC3339.format), forKey: .lastKeepaliveAnswerAt)
        try container.encode(unreachableSince.map(RFC3339.format), forKey: .unreachableSince)
    }
}
