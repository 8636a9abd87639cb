import SIPWardenPolicy

/// Trusted ranges: changed through the control API, applied at once to the trusted check and
/// to the firewall's allowed set. The firewall is told under the same lock, so two changes
/// never reach it out of order.
extension SecurityCoordinator {
    /// Replaces the operator-added trusted ranges.
    public func setOperatorTrusted(_ ranges: [IPRange]) throws {
        try access.withLock { state in
            state.operatorAdded = ranges
            try firewallSetAllowed(state.firewallAllowed)
        }
    }

    /// The trusted ranges from the configuration file and from the operator.
    var trustedRanges: (configured: [IPRange], operatorAdded: [IPRange]) {
        access.withLock { ($0.configured, $0.operatorAdded) }
    }
}
