@testable import Configuration
import XCTest

/// `systemd/sipwarden.yaml`, the configuration `make install` puts in /etc/sipwarden: it must
/// load, and its paths must be the directories `systemd/sipwarden.service` creates.
final class HostConfigurationTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testHostConfigurationUsesTheUnitsDirectories() throws {
        let configuration = try ConfigurationLoader.load(path: root.appendingPathComponent("systemd/sipwarden.yaml").path)
        try ConfigurationLoader.validate(configuration, file: "systemd/sipwarden.yaml")
        let unit = try String(contentsOf: root.appendingPathComponent("systemd/sipwarden.service"), encoding: .utf8)
        func directive(_ name: String) -> String? {
            unit.split(separator: "\n").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        XCTAssertEqual(directive("StateDirectory"), "sipwarden")
        XCTAssertEqual(configuration.dataDirectory, "/var/lib/sipwarden", "StateDirectory")
        XCTAssertEqual(directive("RuntimeDirectory"), "sipwarden")
        XCTAssertEqual(configuration.effectiveControlSocketPath, "/run/sipwarden/control.sock", "RuntimeDirectory")
        XCTAssertEqual(directive("LogsDirectory"), "sipwarden")
        XCTAssertEqual(configuration.effectiveSecurityLogPath, "/var/log/sipwarden/security.log", "LogsDirectory")
        XCTAssertEqual(configuration.policiesDirectory, "/etc/sipwarden/policies", "where make install puts the policy files")
        XCTAssertNil(configuration.pluginsDirectory, "the plugins are found next to the installed program")
        XCTAssertTrue(directive("ExecStart")?.hasSuffix("--config /etc/sipwarden/sipwarden.yaml") ?? false)

        let jail = try String(contentsOf: root.appendingPathComponent("rules/fail2ban/jail.d/sipwarden.conf"), encoding: .utf8)
        XCTAssertTrue(jail.contains("logpath  = \(configuration.effectiveSecurityLogPath)"), "the jail reads the unit's security log")
        let action = try String(contentsOf: root.appendingPathComponent("rules/fail2ban/action.d/sipwarden.conf"), encoding: .utf8)
        XCTAssertTrue(action.contains("socket = \(configuration.effectiveControlSocketPath)"), "the action talks to the unit's socket")
    }

    func testSecurityLogKeyIsRead() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "data_dir: /srv/sw\nsecurity_log: /var/log/sw.log\n", file: "test")
        XCTAssertEqual(configuration.effectiveSecurityLogPath, "/var/log/sw.log")
        XCTAssertEqual(try ConfigurationLoader.parse(yaml: "data_dir: /srv/sw\n", file: "test").effectiveSecurityLogPath,
                       "/srv/sw/security.log", "default: in the data directory")
    }
}
