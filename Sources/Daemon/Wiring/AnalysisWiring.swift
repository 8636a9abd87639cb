import AlertWebhook
import Configuration
import History
import Logging
import SIPService

/// Loads the devices file and the GeoIP database for the analysis routes, and starts the
/// alert monitor on the history's rollups (with its webhook sender when `alerts.webhook` is set).
enum AnalysisWiring {
    /// The alert monitor, started; nil with `alerts.enabled: false` or without a history.
    static func open(_ configuration: DaemonConfiguration, security: SecurityCoordinator, history: HistoryRecorder?, logger: Logger) -> AlertMonitor? {
        let context = AnalysisContext.load(configuration, logger: logger)
        security.attach(analysis: context)
        guard configuration.alerts.enabled else {
            logger.info("alerts: off (alerts.enabled: false)")
            return nil
        }
        guard let history else {
            logger.warning("alerts: off: the alert engine reads the history's rollups, and history.enabled is false")
            return nil
        }
        let webhook = configuration.alertWebhooks.isEmpty ? nil : AlertWebhook(
            urls: configuration.alertWebhooks, timeout: configuration.alertWebhookTimeout, capacity: configuration.alertWebhookQueue)
        let monitor = AlertMonitor(settings: configuration.alerts, store: history.store, webhook: webhook, logger: logger) { events in
            security.recordBackground(events)
        }
        context.attach(monitor: monitor)
        monitor.start()
        logger.info("alerts: watching the per-minute rollups", metadata: [
            "time_zone": "\(configuration.alerts.timeZone.identifier)", "webhooks": "\(configuration.alertWebhooks.count)",
        ])
        return monitor
    }

    /// Reads the devices file and the GeoIP database again (SIGHUP: after geoipupdate replaced
    /// the database, or an operator added a rule); the alert monitor carries on.
    static func reload(_ configuration: DaemonConfiguration, security: SecurityCoordinator, logger: Logger) {
        let fresh = AnalysisContext.load(configuration, logger: logger)
        if let monitor = security.analysis?.monitor { fresh.attach(monitor: monitor) }
        security.attach(analysis: fresh)
    }
}
