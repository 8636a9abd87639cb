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
    private let state = Mutex<ExportedCounts>(ExportedCounts())

    private struct ExportedCounts {
        var registersTotal = 0
        var pluginEventsDropped = 0
        var events: [String: Int] = [:]
        var eventCounters: [String: Counter] = [:]
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
    ]
    /// The gauge names.
    static var gaugeNames: [String] { gaugeHelp.map(\.name) }
    static let registersTotalHelp = "Accepted REGISTERs since start."
    static let eventsTotalHelp = "Security events since start, by kind."
    static let pluginEventsDroppedHelp = "Events some policy plugin missed because its queue was full, since start."
    static let trunksHelp = "Trunks (outbound registrations) in each state."

    /// An exporter with every metric registered at zero.
    init() {
        var gauges: [String: Gauge] = [:]
        for (name, help) in Self.gaugeHelp { gauges[name] = registry.makeGauge(descriptor: Self.descriptor(name, help)) }
        self.gauges = gauges
        registersTotal = registry.makeCounter(descriptor: Self.descriptor("sipwarden_registers_total", Self.registersTotalHelp))
        pluginEventsDropped = registry.makeCounter(
            descriptor: Self.descriptor("sipwarden_plugin_events_dropped_total", Self.pluginEventsDroppedHelp))
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
        state.withLock { exported in
            if stats.registersTotal > exported.registersTotal {
                registersTotal.increment(by: Int64(stats.registersTotal - exported.registersTotal))
                exported.registersTotal = stats.registersTotal
            }
            if let dropped = stats.pluginEventsDropped, dropped > exported.pluginEventsDropped {
                pluginEventsDropped.increment(by: Int64(dropped - exported.pluginEventsDropped))
                exported.pluginEventsDropped = dropped
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
