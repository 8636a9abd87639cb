import SIPWardenPolicy

/// The ranges the security coordinator treats specially: trusted ranges (from the
/// configuration file and from `sipwardenctl trusted add`), never banned and let through by
/// the firewall. A phone's allowed ranges are not among them: they say where that phone may
/// register from and exempt nobody from a ban (a listed ban is always an enforced ban).
struct AccessRanges: Sendable {
    /// `trusted:` from the configuration file.
    let configured: [IPRange]
    /// Added by the operator through the control API (persisted in the store).
    var operatorAdded: [IPRange] = []
    /// The resolved registrar and outbound-proxy addresses of each trunk, by trunk name
    /// (issue 14): the carrier is never banned while its trunk exists.
    var trunkAddresses: [String: [IPRange]] = [:]
    /// Creates the set with the configuration's trusted ranges.
    init(configured: [IPRange]) { self.configured = configured }

    /// Whether `address` is in a trusted range.
    func isTrusted(_ address: IPAddress) -> Bool {
        configured.contains { $0.contains(address) } || operatorAdded.contains { $0.contains(address) }
            || trunkAddresses.values.contains { $0.contains { $0.contains(address) } }
    }

    /// What the firewall must never block: the trusted ranges, once each.
    var firewallAllowed: [IPRange] {
        var seen = Set<IPRange>()
        let trunks = trunkAddresses.keys.sorted().flatMap { trunkAddresses[$0] ?? [] }
        return (configured + operatorAdded + trunks).filter { seen.insert($0).inserted }
    }
}
