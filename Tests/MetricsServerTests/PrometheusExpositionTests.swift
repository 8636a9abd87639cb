@testable import MetricsServer
import ControlAPI
import XCTest

/// The Prometheus exposition of the `sipwardenctl stats` figures.
final class PrometheusExpositionTests: XCTestCase {
    func testPrometheusExpositionCarriesTheFiguresAndCountersOnlyAdvance() {
        let exporter = PrometheusExporter()
        func stats(total: Int, failed: Int) -> StatsInfo {
            StatsInfo(registrations: 3, aors: 2, registersLastMinute: 6, authFailuresLastMinute: 0, registersTotal: total,
                      registerTimeAvgMs: 1.5, registerTimeP99Ms: 4.096, activeBans: 1, events: ["auth.failed": failed])
        }
        let first = exporter.exposition(of: stats(total: 10, failed: 2))
        XCTAssertTrue(first.contains("sipwarden_registrations 3"), first)
        XCTAssertTrue(first.contains("sipwarden_registers_total 10"), first)
        XCTAssertTrue(first.contains(#"sipwarden_events_total{kind="auth.failed"} 2"#), first)
        XCTAssertTrue(first.contains("sipwarden_register_time_p99_seconds 0.004096"), first)
        let second = exporter.exposition(of: stats(total: 15, failed: 2))
        XCTAssertTrue(second.contains("sipwarden_registers_total 15"), second)
        XCTAssertTrue(second.contains(#"sipwarden_events_total{kind="auth.failed"} 2"#), second)
    }
}
