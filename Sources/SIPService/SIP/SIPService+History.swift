import Registrar

/// What the registration history asks of the service, on its writer thread: the binding
/// count for the rollups and the account tags of the AORs it records.
extension SIPService {
    /// Bindings held now (lapsed ones leave at the next sweep, within `store.sweep_interval`).
    public func bindingTotal() -> Int {
        state.withLock { $0.registrar.location.count }
    }

    /// The account tag of each AOR ("sip:user@domain") whose subscriber has one.
    public func accounts(ofAORs aors: Set<String>) -> [String: String] {
        let directory = state.withLock { $0.registrar.directory }
        var accounts: [String: String] = [:]
        for aor in aors {
            if let account = DaemonControlService.account(of: aor, in: directory) { accounts[aor] = account }
        }
        return accounts
    }
}
