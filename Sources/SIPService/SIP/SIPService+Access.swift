import Registrar
import SIPWardenPolicy
import Store

/// Loading and changing the per-phone allowed ranges the REGISTER path reads.
extension SIPService {
    /// Replaces every phone's ranges with the stored ones. They decide where a phone may
    /// register from; the firewall does not hear of them (they exempt nobody from a ban).
    public func loadAllowedRanges(_ stored: [StoredAllowedRange]) throws {
        let table = AllowedRangeTable(stored)
        state.withLock { $0.allowedRanges = table }
    }

    /// Replaces one subscriber's ranges (after the store changed).
    func setAllowedRanges(_ stored: [StoredAllowedRange], username: String, domain: String?) throws {
        let rules = stored.compactMap { row in IPRange(row.cidr).map { AllowedRangeTable.Rule(range: $0, port: row.port) } }
        state.withLock { state in state.allowedRanges.set(rules, username: username, domain: domain) }
    }
}
