import ControlAPI
import Prometheus
import Synchronization

/// The `sipwardenctl stats` figures as Prometheus metrics, each with `# HELP` and `# TYPE`
/// lines, in swift-prometheus's own registry (the process-wide `MetricsSystem` is left alone).
/// The packet path pays nothing for it: the figures are read from the statistics at each scrape
/// and copied into the metrics (gauges set, counters advanced by the difference).
///
/// `sipwarden_protection_active` is 0 when no policy plugin is loaded and enforcing: alert on
/// it (and on `sipwarden_plugins_failed > 0`) to learn the security agent is off.
final class PrometheusExporter: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let gauges: [String: Gauge]
    private let registersTotal: Counter
    private let pluginEventsDropped: Counter
    private let historyWritten: Counter
    private let historyDropped: Counter
    private let webhookCounters: [String: Counter]
    private let state = Mutex<ExportedCounts>(ExportedCounts())

    private struct ExportedCounts {
        var registersTotal = 0
        var pluginEventsDropped = 0
        var historyWritten = 0
        var historyDropped = 0
        var events: [String: Int] = [:]
        var eventCounters: [String: Counter] = [:]
        var alertGauges: [String: Gauge] = [:]
        var webhook: [String: UInt64] = [:]
        var trunkGauges: [String: Gauge] = [:]
    }

    /// Every gauge and its help text (docs/cli.md lists them).
    static let gaugeHelp: [(name: String, help: String)] = [
        ("sipwarden_registrations", "Live bindings in the location service."),
        ("sipwarden_aors", "Addresses of record with at least one live binding."),
        ("sipwarden_registers_per_second", "Accepted REGISTERs per second over the last minute."),
        ("sipwarden_auth_failures_per_second", "Failed authentications per second over the last minute."),
        ("sipwarden_register_time_avg_seconds", "Mean REGISTER processing time since start, in seconds."),
        ("sipwarden_register_time_p99_seconds", "99th percentile REGISTER processing time since start (bucket bound), in seconds."),
        ("sipwarden_active_bans", "Bans in force."),
        ("sipwarden_plugins_loaded", "Policy plugins loaded and receiving events."),
        ("sipwarden_plugins_failed", "Policy plugins that failed to load, or were disabled after throwing or getting stuck."),
        ("sipwarden_protection_active", "1 when at least one policy plugin is loaded and enforcing its bans, 0 when the security agent is off."),
        // The registration history (present when history.enabled).
        ("sipwarden_history_queue_depth", "Events waiting for the history's writer."),
        ("sipwarden_history_database_bytes", "Bytes of the history file in use."),
        ("sipwarden_history_minute_registrations", "New bindings in the current minute."),
        ("sipwarden_history_minute_refreshes", "Refreshed bindings in the current minute."),
        ("sipwarden_history_minute_removals", "Bindings ended (removed, lapsed, forced out) in the current minute."),
        ("sipwarden_history_minute_failures", "Failed registration attempts in the current minute."),
        ("sipwarden_history_minute_peak_per_second", "The current minute's most successful REGISTERs in one second."),
    ]
    /// The gauge names.
    static var gaugeNames: [String] { gaugeHelp.map(\.name) }
    static let registersTotalHelp = "Accepted REGISTERs since start."
    static let eventsTotalHelp = "Security events since start, by kind."
    static let pluginEventsDroppedHelp = "Events some policy plugin missed because its queue was full, since start."
    static let historyWrittenHelp = "Events written to the registration history since start."
    static let historyDroppedHelp = "Events the registration history did not record (queue full or a failed write) since start."
    /// The alert engine's per-alert gauges (label `alert`: bindings_drop, failures_spike, registrations_spike).
    static let alertGaugeHelp: [(name: String, help: String)] = [
        ("sipwarden_alert_raised", "1 while the alert engine's alert is raised, 0 otherwise."),
        ("sipwarden_alert_observed", "The alert's figure in the last minute the engine saw."),
        ("sipwarden_alert_expected", "What the alert's baseline expected in that minute (0 while it is still learning)."),
        ("sipwarden_alert_deviation", "The deviation of the alert's band in that minute (0 while it is still learning)."),
    ]
    /// The alert webhook's counters.
    static let webhookHelp: [(name: String, help: String)] = [
        ("sipwarden_alert_webhook_delivered_total", "Alert webhook POSTs answered 2xx since start."),
        ("sipwarden_alert_webhook_failed_total", "Alert webhook POSTs that failed (no connection, timeout, non-2xx) since start."),
        ("sipwarden_alert_webhook_dropped_total", "Alerts the webhook dropped on a full queue since start."),
    ]
    static let trunksHelp = "Trunks (outbound registrations) in each state."

    /// An exporter with every metric registered at zero.
    init() {
        var gauges: [String: Gauge] = [:]
        for (name, help) in Self.gaugeHelp { gauges[name] = registry.makeGauge(descriptor: Self.descriptor(name, help)) }
        self.gauges = gauges
        registersTotal = registry.makeCounter(descriptor: Self.descriptor("sipwarden_registers_total", Self.registersTotalHelp))
        pluginEventsDropped = registry.makeCounter(
            descriptor: Self.descriptor("sipwarden_plugin_events_dropped_total", Self.pluginEventsDroppedHelp))
        historyWritten = registry.makeCounter(descriptor: Self.descriptor("sipwarden_history_events_written_total", Self.historyWrittenHelp))
        historyDropped = registry.makeCounter(descriptor: Self.descriptor("sipwarden_history_events_dropped_total", Self.historyDroppedHelp))
        var webhookCounters: [String: Counter] = [:]
        for metric in Self.webhookHelp {
            webhookCounters[metric.name] = registry.makeCounter(descriptor: Self.descriptor(metric.name, metric.help))
        }
        self.webhookCounters = webhookCounters
    }

    /// A metric's full name (no unit suffix added) and help text.
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Copies `stats` into the metrics and returns the Prometheus text exposition.
    func exposition(of stats: StatsInfo) -> String {
        gauges["sipwarden_registrations"]?.set(to: Double(stats.registrations))
        gauges["sipwarden_aors"]?.set(to: Double(stats.aors))
        gauges["sipwarden_registers_per_second"]?.set(to: stats.registersPerSecond)
        gauges["sipwarden_auth_failures_per_second"]?.set(to: stats.authFailuresPerSecond)
        gauges["sipwarden_register_time_avg_seconds"]?.set(to: (stats.registerTimeAvgMs ?? 0) / 1000)
        gauges["sipwarden_register_time_p99_seconds"]?.set(to: (stats.registerTimeP99Ms ?? 0) / 1000)
        gauges["sipwarden_active_bans"]?.set(to: Double(stats.activeBans))
        gauges["sipwarden_plugins_loaded"]?.set(to: Double(stats.pluginsLoaded ?? 0))
        gauges["sipwarden_plugins_failed"]?.set(to: Double(stats.pluginsFailed ?? 0))
        gauges["sipwarden_protection_active"]?.set(to: stats.protectionActive == true ? 1 : 0)
        let history = stats.history ?? HistoryStatsInfo()
        gauges["sipwarden_history_queue_depth"]?.set(to: Double(history.queueDepth))
        gauges["sipwarden_history_database_bytes"]?.set(to: Double(history.databaseBytes))
        gauges["sipwarden_history_minute_registrations"]?.set(to: Double(history.minuteRegistrations))
        gauges["sipwarden_history_minute_refreshes"]?.set(to: Double(history.minuteRefreshes))
        gauges["sipwarden_history_minute_removals"]?.set(to: Double(history.minuteRemovals))
        gauges["sipwarden_history_minute_failures"]?.set(to: Double(history.minuteFailures))
        gauges["sipwarden_history_minute_peak_per_second"]?.set(to: Double(history.minutePeakPerSecond))
        state.withLock { exported in
            if stats.registersTotal > exported.registersTotal {
                registersTotal.increment(by: Int64(stats.registersTotal - exported.registersTotal))
                exported.registersTotal = stats.registersTotal
            }
            if let dropped = stats.pluginEventsDropped, dropped > exported.pluginEventsDropped {
                pluginEventsDropped.increment(by: Int64(dropped - exported.pluginEventsDropped))
                exported.pluginEventsDropped = dropped
            }
            if history.eventsWritten > exported.historyWritten {
                historyWritten.increment(by: Int64(history.eventsWritten - exported.historyWritten))
                exported.historyWritten = history.eventsWritten
            }
            if history.eventsDropped > exported.historyDropped {
                historyDropped.increment(by: Int64(history.eventsDropped - exported.historyDropped))
                exported.historyDropped = history.eventsDropped
            }
            for state in stats.alerts ?? [] {
                let values: [String: Double] = [
                    "sipwarden_alert_raised": state.raised ? 1 : 0, "sipwarden_alert_observed": state.observed ?? 0,
                    "sipwarden_alert_expected": state.expected ?? 0, "sipwarden_alert_deviation": state.deviation ?? 0,
                ]
                for metric in Self.alertGaugeHelp {
                    let key = metric.name + "\u{0}" + state.alert
                    let gauge = exported.alertGauges[key] ?? {
                        let made = registry.makeGauge(descriptor: Self.descriptor(metric.name, metric.help), labels: [("alert", state.alert)])
                        exported.alertGauges[key] = made
                        return made
                    }()
                    gauge.set(to: values[metric.name] ?? 0)
                }
            }
            if let webhook = stats.alertWebhook {
                for (name, value) in [("sipwarden_alert_webhook_delivered_total", webhook.delivered),
                                      ("sipwarden_alert_webhook_failed_total", webhook.failed),
                                      ("sipwarden_alert_webhook_dropped_total", webhook.dropped)] {
                    let before = exported.webhook[name] ?? 0
                    if value > before { webhookCounters[name]?.increment(by: Int64(value - before)) }
                    exported.webhook[name] = value
                }
            }
            for (trunkState, count) in stats.trunks ?? [:] {
                let gauge = exported.trunkGauges[trunkState] ?? {
                    let made = registry.makeGauge(descriptor: Self.descriptor("sipwarden_trunks", Self.trunksHelp), labels: [("state", trunkState)])
                    exported.trunkGauges[trunkState] = made
                    return made
                }()
                gauge.set(to: Double(count))
            }
            for (kind, count) in stats.events {
                let counter = exported.eventCounters[kind] ?? {
                    let made = registry.makeCounter(
                        descriptor: Self.descriptor("sipwarden_events_total", Self.eventsTotalHelp), labels: [("kind", kind)])
                    exported.eventCounters[kind] = made
                    return made
                }()
                let before = exported.events[kind] ?? 0
                if count > before { counter.increment(by: Int64(count - before)) }
                exported.events[kind] = count
            }
        }
        return registry.emitToString()
    }
}
