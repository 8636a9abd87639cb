import ControlAPI
import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The `sipwardenctl stats` figures as Prometheus metrics, through swift-metrics with the
/// Prometheus backend (its own registry and factory: the process-wide `MetricsSystem` is left
/// alone). The packet path pays nothing for it: the figures are read from the statistics at
/// each scrape and copied into the metrics (gauges set, counters advanced by the difference).
final class PrometheusExporter: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let gauges: [String: CoreMetrics.Gauge]
    private let registersTotal: CoreMetrics.Counter
    private let state = Mutex<ExportedCounts>(ExportedCounts())

    private struct ExportedCounts {
        var registersTotal = 0
        var events: [String: Int] = [:]
        var eventCounters: [String: CoreMetrics.Counter] = [:]
    }

    /// The gauge names and their help-less meaning (see docs/cli.md for the list).
    static let gaugeNames = [
        "sipwarden_registrations", "sipwarden_aors", "sipwarden_registers_per_second", "sipwarden_auth_failures_per_second",
        "sipwarden_register_time_avg_seconds", "sipwarden_register_time_p99_seconds", "sipwarden_active_bans",
    ]

    /// An exporter with every metric registered at zero.
    init() {
        factory = PrometheusMetricsFactory(registry: registry)
        var gauges: [String: CoreMetrics.Gauge] = [:]
        for name in Self.gaugeNames { gauges[name] = CoreMetrics.Gauge(label: name, factory: factory) }
        self.gauges = gauges
        registersTotal = CoreMetrics.Counter(label: "sipwarden_registers_total", factory: factory)
    }

    /// Copies `stats` into the metrics and returns the Prometheus text exposition.
    func exposition(of stats: StatsInfo) -> String {
        gauges["sipwarden_registrations"]?.record(stats.registrations)
        gauges["sipwarden_aors"]?.record(stats.aors)
        gauges["sipwarden_registers_per_second"]?.record(stats.registersPerSecond)
        gauges["sipwarden_auth_failures_per_second"]?.record(stats.authFailuresPerSecond)
        gauges["sipwarden_register_time_avg_seconds"]?.record((stats.registerTimeAvgMs ?? 0) / 1000)
        gauges["sipwarden_register_time_p99_seconds"]?.record((stats.registerTimeP99Ms ?? 0) / 1000)
        gauges["sipwarden_active_bans"]?.record(stats.activeBans)
        state.withLock { exported in
            if stats.registersTotal > exported.registersTotal {
                registersTotal.increment(by: stats.registersTotal - exported.registersTotal)
                exported.registersTotal = stats.registersTotal
            }
            for (kind, count) in stats.events {
                let counter = exported.eventCounters[kind] ?? {
                    let made = CoreMetrics.Counter(label: "sipwarden_events_total", dimensions: [("kind", kind)], factory: factory)
                    exported.eventCounters[kind] = made
                    return made
                }()
                let before = exported.events[kind] ?? 0
                if count > before { counter.increment(by: count - before) }
                exported.events[kind] = count
            }
        }
        return registry.emitToString()
    }
}
