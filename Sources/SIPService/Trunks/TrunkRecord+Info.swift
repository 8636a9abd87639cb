import ControlAPI
import Registrar
import TrunkClient

extension TrunkRecord {
    /// The record as the control API lists it (never the password).
    func info(now: Timestamp) -> TrunkInfo {
        let status = client.status
        var info = TrunkInfo(
            name: stored.name, origin: origin, registrar: stored.registrar, username: stored.username, authUsername: stored.authUsername,
            realm: stored.realm, transport: stored.transport, expires: Int(client.requestedExpires), contactUser: stored.contactUser,
            outboundProxy: stored.outboundProxy, enabled: client.isEnabled, state: status.state.rawValue)
        func time(_ stamp: Timestamp?) -> String? { stamp.map { RFC3339.format(epochSeconds: $0.seconds) } }
        info.grantedExpires = status.grantedExpires.map { Int($0) }
        info.expiresAt = time(status.expiresAt)
        info.nextAttempt = time(client.isEnabled ? status.nextAttempt : nil)
        info.lastSuccess = time(status.lastSuccess)
        info.lastFailure = time(status.lastFailure)
        info.lastFailureCode = status.lastFailureCode
        info.lastFailureReason = status.lastFailureReason
        info.consecutiveFailures = status.consecutiveFailures
        info.contact = status.contact
        info.publicAddress = status.publicAddress?.description
        info.addresses = trusted.map(\.description)
        return info
    }
}
