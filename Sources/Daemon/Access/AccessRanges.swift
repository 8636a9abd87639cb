import SIPWardenPolicy

/// The ranges the security coordinator treats specially: trusted ranges (from the
/// configuration file and from `sipwardenctl trusted add`), never banned, and every phone's
/// allowed ranges, which the firewall lets through as well.
struct AccessRanges: Sendable {
    /// `trusted:` from the configuration file.
    let configured: [IPRange]
    /// Added by the operator through the control API (persisted in the store).
    var operatorAdded: [IPRange] = []
    /// Every phone's allowed ranges.
    var phoneRanges: [IPRange] = []

    /// Creates the set with the configuration's trusted ranges.
    init(configured: [IPRange]) { self.configured = configured }

    /// Whether `address` is in a trusted range.
    func isTrusted(_ address: IPAddress) -> Bool {
        configured.contains { $0.contains(address) } || operatorAdded.contains { $0.contains(address) }
    }

    /// What the firewall must never block: trusted ranges and every phone's ranges, once each.
    var firewallAllowed: [IPRange] {
        var seen = Set<IPRange>()
        return (configured + operatorAdded + phoneRanges).filter { seen.insert($0).inserted }
    }
}
