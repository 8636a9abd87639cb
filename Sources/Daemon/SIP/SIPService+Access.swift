import Registrar
import SIPWardenPolicy
import Store

/// Loading and changing the per-phone allowed ranges the REGISTER path reads.
extension SIPService {
    /// Replaces every phone's ranges with the stored ones and tells the firewall.
    func loadAllowedRanges(_ stored: [StoredAllowedRange]) throws {
        let table = AllowedRangeTable(stored)
        state.withLock { $0.allowedRanges = table }
        try security.setPhoneRanges(table.allRanges)
    }

    /// Replaces one subscriber's ranges (after the store changed) and tells the firewall.
    func setAllowedRanges(_ stored: [StoredAllowedRange], username: String, domain: String?) throws {
        let rules = stored.compactMap { row in IPRange(row.cidr).map { AllowedRangeTable.Rule(range: $0, port: row.port) } }
        // The firewall is told under the lock so concurrent changes reach it in order.
        try state.withLock { state in
            state.allowedRanges.set(rules, username: username, domain: domain)
            try security.setPhoneRanges(state.allowedRanges.allRanges)
        }
    }
}
