import ControlAPI
import SIPWardenPolicy

/// One event as the history stores it: the security event and the account of its AOR.
struct HistoryRow: Sendable {
    var event: SecurityEvent
    var account: String?

    /// The AOR's user part, else the digest username: what `--number` matches.
    var number: String? {
        if let aor = event.aor, !aor.isEmpty {
            let user = RegistrationQuery.userPart(of: aor)
            if !user.isEmpty { return user }
        }
        return event.username.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The source address as an ordered key (`HistoryAddressKey`), nil when there is none.
    var sourceKey: [UInt8]? { IPAddress(event.sourceIP).map(HistoryAddressKey.key) }
}
