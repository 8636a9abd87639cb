import Alerts
import Configuration
import Foundation
import XCTest

/// `alerts.*`, `geoip.*` and `analysis.*`: the example file's commented defaults are the
/// code's, keys are read, mistakes name file, key and value, and the devices file is found
/// the way the policies directory is.
final class AnalysisConfigurationTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example's commented `alerts:` block, uncommented.
    func exampleAlertsBlock() throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent("rules/sipwarden.example.yaml"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("# alerts:") })
        let block = lines[start...].prefix { $0.hasPrefix("# ") }
        return block.map { String($0.dropFirst(2)) }.joined(separator: "\n")
    }

    func testTheExamplesCommentedAlertDefaultsAreTheBuiltInOnes() throws {
        let block = try exampleAlertsBlock().replacingOccurrences(of: "time_zone: local", with: "time_zone: UTC")
        let configuration = try ConfigurationLoader.parse(yaml: block, file: "example")
        var defaults = AlertSettings()
        defaults.timeZone = TimeZone(identifier: "UTC") ?? .current
        XCTAssertEqual(configuration.alerts, defaults)
        XCTAssertEqual(configuration.alertWebhooks.map(\.absoluteString), ["https://hooks.example.com/sipwarden"])
        XCTAssertEqual(configuration.alertWebhookTimeout, DaemonConfiguration().alertWebhookTimeout)
        XCTAssertEqual(configuration.alertWebhookQueue, DaemonConfiguration().alertWebhookQueue)
        XCTAssertNil(DaemonConfiguration().geoipDatabase)
        XCTAssertEqual(DaemonConfiguration().alertWebhooks, [])
    }

    func testTheKeysAreRead() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            geoip:
              database: /var/lib/GeoIP/dbip-country-lite.mmdb
            analysis:
              devices_file: /srv/devices.yaml
            alerts:
              raise_after: 2
              clear_after: 10
              learning_rate: 0.2
              min_samples: 30
              time_zone: Europe/Berlin
              failures_spike: {factor: 4, percent: 250, floor: 50}
              registrations_spike: {enabled: false}
              webhook: http://127.0.0.1:9000/hook
              webhook_timeout: 2.5
              webhook_queue: 7
            """, file: "sipwarden.yaml")
        XCTAssertEqual(configuration.geoipDatabase, "/var/lib/GeoIP/dbip-country-lite.mmdb")
        XCTAssertEqual(configuration.devicesFile, "/srv/devices.yaml")
        XCTAssertEqual(configuration.effectiveDevicesFile.path, "/srv/devices.yaml")
        let alerts = configuration.alerts
        XCTAssertEqual(alerts.raiseAfter, 2)
        XCTAssertEqual(alerts.clearAfter, 10)
        XCTAssertEqual(alerts.learningRate, 0.2)
        XCTAssertEqual(alerts.minSamples, 30)
        XCTAssertEqual(alerts.timeZone.identifier, "Europe/Berlin")
        XCTAssertEqual(alerts.failuresSpike, AlertRule(enabled: true, factor: 4, percent: 250, floor: 50))
        XCTAssertFalse(alerts.registrationsSpike.enabled)
        XCTAssertEqual(alerts.registrationsSpike.floor, AlertSettings().registrationsSpike.floor, "the other fields keep their defaults")
        XCTAssertEqual(alerts.bindingsDrop, AlertSettings().bindingsDrop)
        XCTAssertEqual(configuration.alertWebhooks.map(\.absoluteString), ["http://127.0.0.1:9000/hook"], "one URL without a list")
        XCTAssertEqual(configuration.alertWebhookTimeout, 2.5)
        XCTAssertEqual(configuration.alertWebhookQueue, 7)
    }

    func testMistakesNameTheFileTheKeyAndTheValue() {
        let cases: [(yaml: String, key: String, value: String)] = [
            ("alerts:\n  raise_after: 0\n", "alerts.raise_after", "0"),
            ("alerts:\n  learning_rate: fast\n", "alerts.learning_rate", "fast"),
            ("alerts:\n  time_zone: Mars/Olympus\n", "alerts.time_zone", "Mars/Olympus"),
            ("alerts:\n  webhook: [ftp://example.com/x]\n", "alerts.webhook[0]", "ftp://example.com/x"),
            ("alerts:\n  bindings_drop: {factor: -1}\n", "alerts.bindings_drop.factor", "-1"),
            ("alerts:\n  bindings_drop: {colour: red}\n", "alerts.bindings_drop.colour", ""),
            ("alerts:\n  bindings_spike: {}\n", "alerts.bindings_spike", ""),
            ("geoip:\n  database: ''\n", "geoip.database", ""),
            ("geoip:\n  path: /x.mmdb\n", "geoip.path", ""),
            ("analysis:\n  devices: /x\n", "analysis.devices", ""),
        ]
        for testCase in cases {
            XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: testCase.yaml, file: "/etc/sipwarden/sipwarden.yaml"), testCase.yaml) { error in
                guard let error = error as? ConfigurationError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.file, "/etc/sipwarden/sipwarden.yaml")
                XCTAssertEqual(error.key, testCase.key, testCase.yaml)
                XCTAssertEqual(error.value, testCase.value, testCase.yaml)
            }
        }
    }

    func testTheDevicesFileIsFoundLikeThePoliciesDirectory() {
        let program = "/usr/local/lib/sipwarden"
        XCTAssertEqual(DevicesFile.candidates(programDirectory: program, policiesDirectory: "/home/op/sipwarden/rules/policies"), [
            "/usr/local/lib/sipwarden/devices.yaml", "/usr/local/etc/sipwarden/devices.yaml", "/etc/sipwarden/devices.yaml",
            "/home/op/sipwarden/rules/devices.yaml",
        ])
        let found = DevicesFile.resolve(configured: nil, programDirectory: program, policiesDirectory: "/home/op/sipwarden/rules/policies",
                                        exists: { $0 == "/etc/sipwarden/devices.yaml" || $0 == "/home/op/sipwarden/rules/devices.yaml" })
        XCTAssertEqual(found.path, "/etc/sipwarden/devices.yaml")
        let none = DevicesFile.resolve(configured: nil, programDirectory: program, policiesDirectory: nil, exists: { _ in false })
        XCTAssertNil(none.path)
        XCTAssertTrue(none.explanation.contains("analysis.devices_file"), none.explanation)
        XCTAssertEqual(DevicesFile.resolve(configured: "/x.yaml", programDirectory: program, policiesDirectory: nil, exists: { _ in false }).path, "/x.yaml")
    }
}
