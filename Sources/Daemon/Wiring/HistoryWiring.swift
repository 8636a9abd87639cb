import Configuration
import History
import Logging
import SIPService

/// Opens the registration history beside the main database and connects it to the service
/// as one more sink of security events (after the security log and the plugins).
enum HistoryWiring {
    /// The recorder, attached to `security`; nil when `history.enabled` is false.
    static func open(
        _ configuration: DaemonConfiguration, service: SIPService, security: SecurityCoordinator, logger: Logger
    ) throws -> HistoryRecorder? {
        guard configuration.history.enabled else {
            logger.info("history: disabled (history.enabled: false); registrations show reads the security log")
            return nil
        }
        let store = try HistoryStore(path: configuration.historyPath)
        let recorder = HistoryRecorder(
            store: store, settings: configuration.history, logger: logger,
            activeBindings: { service.bindingTotal() }, accounts: { service.accounts(ofAORs: $0) })
        security.attach(history: recorder)
        logger.info("history opened", metadata: [
            "path": "\(configuration.historyPath)", "retention_s": "\(configuration.history.retentionSeconds)",
            "rollup_retention_s": "\(configuration.history.rollupRetentionSeconds)", "max_size": "\(configuration.history.maxSizeBytes)",
        ])
        return recorder
    }

    /// Writes what is queued and closes the file.
    static func close(_ recorder: HistoryRecorder?, logger: Logger) {
        guard let recorder else { return }
        recorder.close()
        do { try recorder.store.close() } catch { logger.error("closing the history failed", metadata: ["error": "\(error)"]) }
    }
}
