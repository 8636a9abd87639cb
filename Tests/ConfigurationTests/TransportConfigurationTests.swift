@testable import Configuration
@testable import SecurityLog
import XCTest

/// `security_log` (a path, or the mapping with the flood limits) and the TCP junk limits.
final class TransportConfigurationTests: XCTestCase {
    func testDefaults() {
        let configuration = DaemonConfiguration()
        XCTAssertEqual(configuration.securityLogLimits, SecurityLogLimits(repeatAfter: 10, repeatInterval: 60, maxLinesPerSecond: 200, maxSources: 10_000))
        XCTAssertEqual(configuration.tcpFirstMessageTimeout, 5)
        XCTAssertEqual(configuration.tcpMaxConnectionsPerSource, 64)
    }

    func testSecurityLogAsAPathStillWorks() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "security_log: /var/log/sipwarden/security.log", file: "t.yaml")
        XCTAssertEqual(configuration.securityLogPath, "/var/log/sipwarden/security.log")
        XCTAssertEqual(configuration.securityLogLimits, SecurityLogLimits())
    }

    func testSecurityLogMappingAndTransportKeysAreRead() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            security_log:
              path: /tmp/s.log
              repeat_after: 3
              repeat_interval: 30
              max_lines_per_second: 0
              max_sources: 500
            transport:
              tcp_first_message_timeout: 0
              tcp_max_connections_per_source: 2
              udp_sockets: 3
            """, file: "t.yaml")
        XCTAssertEqual(configuration.securityLogPath, "/tmp/s.log")
        XCTAssertEqual(configuration.securityLogLimits, SecurityLogLimits(repeatAfter: 3, repeatInterval: 30, maxLinesPerSecond: 0, maxSources: 500))
        XCTAssertEqual(configuration.tcpFirstMessageTimeout, 0)
        XCTAssertEqual(configuration.tcpMaxConnectionsPerSource, 2)
        XCTAssertEqual(configuration.udpSockets, 3)
        XCTAssertEqual(try ConfigurationLoader.parse(yaml: "", file: "t.yaml").udpSockets, 0, "default: one per event loop")
    }

    func testBadValuesNameTheFileKeyAndValue() {
        let cases: [(String, String)] = [
            ("security_log:\n  repeat_after: -1", "t.yaml: security_log.repeat_after: invalid value '-1'"),
            ("security_log:\n  repeat_interval: 0", "t.yaml: security_log.repeat_interval: invalid value '0'"),
            ("security_log:\n  max_sources: 1", "t.yaml: security_log.max_sources: invalid value '1'"),
            ("security_log:\n  max_lines: 5", "t.yaml: security_log.max_lines: invalid value '': unknown key"),
            ("transport:\n  tcp_first_message_timeout: soon", "t.yaml: transport.tcp_first_message_timeout: invalid value 'soon'"),
            ("transport:\n  tcp_max_connections_per_source: -4", "t.yaml: transport.tcp_max_connections_per_source: invalid value '-4'"),
            ("transport:\n  udp_sockets: 65", "t.yaml: transport.udp_sockets: invalid value '65'"),
        ]
        for (yaml, expected) in cases {
            XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: yaml, file: "t.yaml"), yaml) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "\(error)")
            }
        }
    }
}
