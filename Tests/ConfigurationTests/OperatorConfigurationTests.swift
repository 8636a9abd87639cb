import Configuration
import XCTest

/// The issue-5 configuration keys without a network: listening addresses, `metrics.*` and
/// `control.*`.
final class OperatorConfigurationTests: XCTestCase {
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
}
