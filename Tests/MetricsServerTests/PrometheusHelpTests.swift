@testable import MetricsServer
import ControlAPI
import XCTest

/// The Prometheus text: every metric has `# HELP` and `# TYPE`, and the security agent's state
/// can be alerted on.
final class PrometheusHelpTests: XCTestCase {
    private func stats(loaded: Int?, failed: Int?, active: Bool?) -> StatsInfo {
        StatsInfo(registrations: 1, aors: 1, registersLastMinute: 0, authFailuresLastMinute: 0, registersTotal: 3,
                  registerTimeAvgMs: 1, registerTimeP99Ms: 2, activeBans: 0, events: ["auth.failed": 4, "ban.added": 1],
                  pluginsLoaded: loaded, pluginsFailed: failed, protectionActive: active, pluginEventsDropped: 12)
    }

    func testEveryMetricHasHelpAndType() {
        let text = PrometheusExporter().exposition(of: stats(loaded: 5, failed: 0, active: true))
        let lines = text.split(separator: "\n").map(String.init)
        let sampled = Set(lines.filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            String(line.prefix { $0 != " " && $0 != "{" })
        })
        XCTAssertTrue(sampled.isSuperset(of: PrometheusExporter.gaugeNames + ["sipwarden_registers_total", "sipwarden_events_total",
                                                                           "sipwarden_plugin_events_dropped_total"]),
                      "\(sampled.sorted())")
        for name in sampled {
            let help = lines.first { $0.hasPrefix("# HELP \(name) ") }
            XCTAssertNotNil(help, "no HELP for \(name):\n\(text)")
            XCTAssertGreaterThan(help?.count ?? 0, "# HELP \(name) ".count + 5, "an empty HELP for \(name)")
            XCTAssertNotNil(lines.first { $0.hasPrefix("# TYPE \(name) ") }, "no TYPE for \(name):\n\(text)")
        }
        XCTAssertTrue(lines.contains("# TYPE sipwarden_protection_active gauge"), text)
        XCTAssertTrue(lines.contains("# TYPE sipwarden_registers_total counter"), text)
        XCTAssertTrue(lines.contains("sipwarden_plugin_events_dropped_total 12"), text)
    }

    func testTheSecurityAgentGaugesFollowTheStatistics() {
        let exporter = PrometheusExporter()
        let on = exporter.exposition(of: stats(loaded: 5, failed: 0, active: true)).split(separator: "\n").map(String.init)
        XCTAssertTrue(on.contains("sipwarden_plugins_loaded 5.0") || on.contains("sipwarden_plugins_loaded 5"), "\(on)")
        XCTAssertTrue(on.contains("sipwarden_protection_active 1.0") || on.contains("sipwarden_protection_active 1"), "\(on)")
        let off = exporter.exposition(of: stats(loaded: 0, failed: 2, active: false)).split(separator: "\n").map(String.init)
        XCTAssertTrue(off.contains("sipwarden_plugins_loaded 0.0") || off.contains("sipwarden_plugins_loaded 0"), "\(off)")
        XCTAssertTrue(off.contains("sipwarden_plugins_failed 2.0") || off.contains("sipwarden_plugins_failed 2"), "\(off)")
        XCTAssertTrue(off.contains("sipwarden_protection_active 0.0") || off.contains("sipwarden_protection_active 0"), "\(off)")
    }

    func testTrunkStatesAreAGaugePerState() {
        let exporter = PrometheusExporter()
        var figures = stats(loaded: 5, failed: 0, active: true)
        figures.trunks = ["registered": 2, "rejected": 1, "retrying": 0]
        let first = exporter.exposition(of: figures).split(separator: "\n").map(String.init)
        XCTAssertTrue(first.contains("# TYPE sipwarden_trunks gauge"), "\(first)")
        XCTAssertTrue(first.contains { $0.hasPrefix("sipwarden_trunks{state=\"registered\"} 2") }, "\(first)")
        XCTAssertTrue(first.contains { $0.hasPrefix("sipwarden_trunks{state=\"rejected\"} 1") }, "\(first)")
        figures.trunks = ["registered": 3, "rejected": 0, "retrying": 0]
        let second = exporter.exposition(of: figures).split(separator: "\n").map(String.init)
        XCTAssertTrue(second.contains { $0.hasPrefix("sipwarden_trunks{state=\"registered\"} 3") }, "a gauge follows the count down and up: \(second)")
        XCTAssertTrue(second.contains { $0.hasPrefix("sipwarden_trunks{state=\"rejected\"} 0") }, "\(second)")
    }
}
