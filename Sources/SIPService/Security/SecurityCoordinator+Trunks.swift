import SIPWardenPolicy

/// Trunks' carriers: trusted (never banned, let through the firewall) while the trunk exists.
extension SecurityCoordinator {
    /// Sets the addresses trusted for trunk `name`; an empty list removes the trunk's entry.
    func setTrunkTrusted(_ name: String, _ ranges: [IPRange]) throws {
        try access.withLock { state in
            let before = state.firewallAllowed
            if ranges.isEmpty { state.trunkAddresses[name] = nil } else { state.trunkAddresses[name] = ranges }
            let after = state.firewallAllowed
            if before != after { try firewallSetAllowed(after) }
        }
    }

    /// The trusted addresses of every trunk, by trunk name.
    var trunkTrusted: [String: [IPRange]] { access.withLock { $0.trunkAddresses } }

    /// Records trunk events (numbered, logged, handed to the plugins).
    func recordTrunkEvents(_ events: [SecurityEvent]) { record(events) }
}
