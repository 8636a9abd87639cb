@testable import MetricsServer
import ControlAPI
import XCTest

/// The alert engine's states and the webhook's figures in `/metrics`.
final class PrometheusAlertTests: XCTestCase {
    func stats(raised: Bool, delivered: UInt64) -> StatsInfo {
        var stats = StatsInfo(registrations: 412, aors: 400, registersLastMinute: 0, authFailuresLastMinute: 0, registersTotal: 0,
                              registerTimeAvgMs: nil, registerTimeP99Ms: nil, activeBans: 0, events: [:])
        stats.alerts = [
            AlertStateInfo(alert: "bindings_drop", raised: raised, since: raised ? "2026-12-02T14:02:00Z" : nil, observed: 412, expected: 980,
                           deviation: 60, basis: "14:00-15:00 on any day"),
            AlertStateInfo(alert: "failures_spike", raised: false, since: nil, observed: 2, expected: nil, deviation: nil, basis: nil),
        ]
        stats.alertWebhook = AlertsReport.Webhook(urls: 1, delivered: delivered, failed: 1, dropped: 0, lastError: "x")
        return stats
    }

    func testAlertStatesAreGaugesPerAlertAndTheWebhookCounts() {
        let exporter = PrometheusExporter()
        let lines = exporter.exposition(of: stats(raised: true, delivered: 2)).split(separator: "\n").map(String.init)
        func value(_ prefix: String) -> Double? {
            lines.first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        XCTAssertEqual(value(#"sipwarden_alert_raised{alert="bindings_drop"}"#), 1, "\(lines)")
        XCTAssertEqual(value(#"sipwarden_alert_raised{alert="failures_spike"}"#), 0)
        XCTAssertEqual(value(#"sipwarden_alert_expected{alert="bindings_drop"}"#), 980)
        XCTAssertEqual(value(#"sipwarden_alert_observed{alert="bindings_drop"}"#), 412)
        XCTAssertEqual(value(#"sipwarden_alert_deviation{alert="bindings_drop"}"#), 60)
        XCTAssertEqual(value("sipwarden_alert_webhook_delivered_total"), 2)
        XCTAssertTrue(lines.contains { $0.hasPrefix("# HELP sipwarden_alert_raised ") })
        XCTAssertTrue(lines.contains("# TYPE sipwarden_alert_webhook_failed_total counter"), "\(lines)")
        // The next scrape follows the state and advances the counter by the difference.
        let next = exporter.exposition(of: stats(raised: false, delivered: 5)).split(separator: "\n").map(String.init)
        XCTAssertTrue(next.contains { $0.hasPrefix(#"sipwarden_alert_raised{alert="bindings_drop"} 0"#) }, "\(next)")
        XCTAssertTrue(next.contains { $0.hasPrefix("sipwarden_alert_webhook_delivered_total 5") }, "\(next)")
    }
}
