/// `POST /v1/registrations/unregister`: force-unregister bindings — one AOR's (optionally
/// only one contact), or every binding whose source or contact lies in an address range.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `aor` | string or null | the AOR (`sip:1001@example.com`, `1001@example.com`, or a bare user part `1001` for every domain) |
/// | `contact` | string or null | only the binding with this contact URI (with `aor`) |
/// | `ip` | string or null | an address or CIDR range (instead of `aor`) |
/// | `dry_run` | bool | only report what would be removed |
public struct UnregisterRequest: Codable, Hashable, Sendable {
    /// The AOR whose bindings go.
    public var aor: String?
    /// Only this contact of the AOR.
    public var contact: String?
    /// Every binding from this address or range.
    public var ip: String?
    /// Report without removing.
    public var dryRun: Bool

    /// Creates a request.
    public init(aor: String? = nil, contact: String? = nil, ip: String? = nil, dryRun: Bool = false) {
        self.aor = aor
        self.contact = contact
        self.ip = ip
        self.dryRun = dryRun
    }

    private enum CodingKeys: String, CodingKey {
        case aor, contact, ip
        case dryRun = "dry_run"
    }

    /// Decodes a request; `dry_run` defaults to false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        aor = try container.decodeIfPresent(String.self, forKey: .aor)
        contact = try container.decodeIfPresent(String.self, forKey: .contact)
        ip = try container.decodeIfPresent(String.self, forKey: .ip)
        dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false
    }

    /// What is wrong with the request and what to send instead; nil when it is usable.
    public func validationProblem() -> String? {
        switch (aor, ip) {
        case (nil, nil): return "name the bindings to remove: an AOR (sip:1001@example.com) or an address range (--ip 192.0.2.0/24)"
        case (.some, .some): return "give an AOR or an address range, not both"
        case (let aor?, nil):
            if aor.isEmpty { return "the AOR is empty; give one such as sip:1001@example.com or 1001" }
            if let contact, contact.isEmpty { return "the contact is empty; give the contact URI as registrations show prints it" }
            return nil
        case (nil, let ip?):
            if contact != nil { return "--contact goes with an AOR, not with --ip" }
            return IPNetwork.problem(ip)
        }
    }
}
