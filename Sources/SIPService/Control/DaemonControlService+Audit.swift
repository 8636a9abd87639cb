import ControlServer
import Logging
import Registrar
import SIPWardenPolicy

/// The audit trail: every change made through the control API is one `notice` line in the
/// daemon's log, with `audit` (what: `subscriber.add`, `ban.remove`, ...), `caller` (who: `uid N`
/// from the Unix socket's peer credentials, `token` on the TCP control API) and what was changed.
/// Secrets (passwords) are never logged. Each line is also an `operator.change` security event.
extension DaemonControlService {
    /// Logs one change made on the current control caller's order.
    func audit(_ action: String, _ message: String, _ metadata: Logger.Metadata = [:]) {
        var metadata = metadata
        metadata["audit"] = "\(action)"
        metadata["caller"] = "\(ControlCaller.current)"
        logger.notice("audit: \(message)", metadata: metadata)
        // The same record as a security event, so the trail is also in the security log, the
        // `events` listing and the web console's security page, with who made the change.
        let facts = metadata.filter { $0.key != "audit" && $0.key != "caller" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        security.record([SecurityEvent(
            timeMilliseconds: SystemClock.now().milliseconds, kind: SecurityEventKind.operatorChange, sourceIP: "", sourcePort: 0,
            transport: "", username: ControlCaller.current, detail: "\(action): \(message)" + (facts.isEmpty ? "" : " (\(facts))")
        )])
    }

    /// "user" or "user@domain", for audit lines.
    static func auditName(_ username: String, _ domain: String?) -> Logger.MetadataValue {
        "\(domain.flatMap { $0.isEmpty ? nil : "\(username)@\($0)" } ?? username)"
    }
}
