@testable import Configuration
@testable import ControlServer
@testable import Daemon
@testable import SIPService
import ControlAPI
import Registrar
import SIPWardenPolicy
import Store
import XCTest

/// The daemon's issue-5 pieces without a network: the per-phone range table, the stats
/// counters, the metrics exporter, listening addresses and the new configuration keys.
final class OperatorPiecesTests: XCTestCase {
    private let phone = Subscriber(username: "1001", realm: "r", ha1MD5: "m", ha1SHA256: "s")

    func testAllowedRangeTableAnswersWhatTheRulesSay() {
        let t = Timestamp(milliseconds: 0)
        var table = AllowedRangeTable([
            StoredAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24", port: nil, createdAt: t),
            StoredAllowedRange(username: "1001", domain: nil, cidr: "198.51.100.7", port: 5070, createdAt: t),
            StoredAllowedRange(username: "1001", domain: "example.com", cidr: "203.0.113.0/24", port: nil, createdAt: t),
        ])
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "192.0.2.9", port: 1)), .inside(portMatched: false))
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "198.51.100.7", port: 5070)), .inside(portMatched: true))
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "198.51.100.7", port: 5071)), .wrongPort,
                       "the right address on another port than its rule names")
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "198.51.100.8", port: 5070)), .outside)
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "203.0.113.1", port: 1)), .outside, "another subscriber's rule")
        var other = phone
        other.username = "1002"
        XCTAssertEqual(table.access(of: other, from: SourceAddress(ip: "192.0.2.9", port: 1)), .noRules)
        XCTAssertEqual(table.access(of: Subscriber(username: "1001", domain: "example.com", realm: "r", ha1MD5: "m", ha1SHA256: "s"),
                                    from: SourceAddress(ip: "203.0.113.1", port: 1)), .inside(portMatched: false))
        table.set([], username: "1001", domain: nil)
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "192.0.2.9", port: 1)), .noRules)
    }

    func testMinuteWindowCountsTheLastSixtySecondsOnly() {
        let counter = MinuteWindowCounter()
        for second in [1000, 1000, 1001, 1030, 1059] { counter.add(nowSeconds: Int64(second)) }
        XCTAssertEqual(counter.count(nowSeconds: 1059), 5)
        XCTAssertEqual(counter.count(nowSeconds: 1060), 3, "second 1000 left the window")
        counter.add(nowSeconds: 1060)  // reuses second 1000's slot
        XCTAssertEqual(counter.count(nowSeconds: 1060), 4)
        XCTAssertEqual(counter.count(nowSeconds: 1200), 0)
    }

    func testLatencyHistogramMeanAndP99Bucket() {
        let histogram = LatencyHistogram()
        XCTAssertNil(histogram.quantileMilliseconds(0.99))
        for _ in 0..<99 { histogram.record(microseconds: 100) }  // bucket < 128 µs
        histogram.record(microseconds: 5_000)  // bucket < 8192 µs
        XCTAssertEqual(histogram.count, 100)
        XCTAssertEqual(histogram.quantileMilliseconds(0.99), 0.128)
        XCTAssertEqual(histogram.quantileMilliseconds(1.0), 8.192)
        XCTAssertEqual(histogram.meanMilliseconds ?? 0, (99 * 100 + 5000) / 100 / 1000, accuracy: 0.000_001)
    }

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

    func testHostPortParsing() {
        XCTAssertEqual(HostPort(parsing: "127.0.0.1:9478"), HostPort(host: "127.0.0.1", port: 9478))
        XCTAssertEqual(HostPort(parsing: "[::1]:9478"), HostPort(host: "::1", port: 9478))
        XCTAssertNil(HostPort(parsing: "::1:9478"), "IPv6 needs brackets")
        XCTAssertNil(HostPort(parsing: "127.0.0.1"))
        XCTAssertNil(HostPort(parsing: "127.0.0.1:70000"))
        XCTAssertTrue(HostPort(host: "127.0.0.5", port: 1).isLoopback)
        XCTAssertFalse(HostPort(host: "0.0.0.0", port: 1).isLoopback)
    }

    func testMetricsAndControlKeysAreReadAndCheckedTogether() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            metrics:
              listen: 127.0.0.1:9478
            control:
              group: sipwarden
              tcp_listen: "[::1]:9479"
              token_file: /etc/sipwarden/token
            """, file: "t.yaml")
        XCTAssertEqual(configuration.metricsListen, HostPort(host: "127.0.0.1", port: 9478))
        XCTAssertEqual(configuration.controlGroup, "sipwarden")
        XCTAssertEqual(configuration.controlTCPListen, HostPort(host: "::1", port: 9479))
        XCTAssertEqual(configuration.controlTokenFile, "/etc/sipwarden/token")

        func message(_ yaml: String) -> String {
            do { _ = try ConfigurationLoader.parse(yaml: yaml, file: "t.yaml"); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message("metrics:\n  listen: 0.0.0.0:9478\n").contains("metrics.allow_non_loopback"))
        XCTAssertEqual(message("metrics:\n  listen: 0.0.0.0:9478\n  allow_non_loopback: true\n"), "")
        XCTAssertTrue(message("control:\n  tcp_listen: 127.0.0.1:9479\n").contains("needs control.token_file"))
        XCTAssertTrue(message("control:\n  tcp_listen: 192.0.2.1:9479\n  token_file: /t\n").contains("control.allow_non_loopback"))
        XCTAssertTrue(message("metrics:\n  listen: nine\n").contains("expected HOST:PORT"))
        XCTAssertTrue(message("control:\n  grup: x\n").contains("unknown key"))
    }

    func testBearerTokenComparison() {
        let token = Array("0123456789abcdef".utf8)
        XCTAssertTrue(BearerToken.matches("Bearer 0123456789abcdef", token: token))
        XCTAssertTrue(BearerToken.matches("bearer 0123456789abcdef", token: token))
        XCTAssertFalse(BearerToken.matches("Bearer 0123456789abcdeX", token: token))
        XCTAssertFalse(BearerToken.matches("Bearer 0123456789abcdef0", token: token))
        XCTAssertFalse(BearerToken.matches("Bearer ", token: token))
        XCTAssertFalse(BearerToken.matches(nil, token: token))
    }
}
