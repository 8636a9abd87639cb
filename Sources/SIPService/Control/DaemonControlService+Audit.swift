import ControlServer
import Logging

/// The audit trail: every change made through the control API is one `notice` line in the
/// daemon's log, with `audit` (what: `subscriber.add`, `ban.remove`, ...), `caller` (who: `uid N`
/// from the Unix socket's peer credentials, `token` on the TCP control API) and what was changed.
/// Secrets (passwords) are never logged.
extension DaemonControlService {
    /// Logs one change made on the current control caller's order.
    func audit(_ action: String, _ message: String, _ metadata: Logger.Metadata = [:]) {
        var metadata = metadata
        metadata["audit"] = "\(action)"
        metadata["caller"] = "\(ControlCaller.current)"
        logger.notice("audit: \(message)", metadata: metadata)
    }

    /// "user" or "user@domain", for audit lines.
    static func auditName(_ username: String, _ domain: String?) -> Logger.MetadataValue {
        "\(domain.flatMap { $0.isEmpty ? nil : "\(username)@\($0)" } ?? username)"
    }
}
