@testable import Configuration
import XCTest

/// `keepalive.*` and `registrar.expired_retention`: read, defaulted, and refused with the
/// file, key and value named.
final class KeepaliveConfigurationTests: XCTestCase {
    func testDefaultsAreOffWithSaneValues() {
        let configuration = DaemonConfiguration()
        XCTAssertFalse(configuration.keepalive.enabled)
        XCTAssertEqual(configuration.keepalive.interval, 30)
        XCTAssertEqual(configuration.keepalive.maxMisses, 3)
        XCTAssertEqual(configuration.keepalive.removeAfter, 300)
        XCTAssertEqual(configuration.keepalive.targets, .nat)
        XCTAssertEqual(configuration.expiredRetention, 3600)
    }

    func testTheExampleFileHasTheDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try ConfigurationLoader.load(path: root.appendingPathComponent("rules/sipwarden.example.yaml").path)
        XCTAssertEqual(example.keepalive, KeepaliveConfiguration())
        XCTAssertEqual(example.expiredRetention, DaemonConfiguration().expiredRetention)
    }

    func testValuesAreRead() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            registrar:
              expired_retention: 120
            keepalive:
              enabled: yes
              interval: 15
              max_misses: 5
              remove_after: 0
              targets: ALL
            """, file: "k.yaml")
        XCTAssertTrue(configuration.keepalive.enabled)
        XCTAssertEqual(configuration.keepalive.interval, 15)
        XCTAssertEqual(configuration.keepalive.maxMisses, 5)
        XCTAssertEqual(configuration.keepalive.removeAfter, 0)
        XCTAssertEqual(configuration.keepalive.targets, .all)
        XCTAssertEqual(configuration.expiredRetention, 120)
    }

    func testBadValuesNameTheKeyAndWhatToType() {
        let cases: [(String, String, String)] = [
            ("keepalive:\n  interval: 0", "keepalive.interval", "1 to 3600"),
            ("keepalive:\n  targets: phones", "keepalive.targets", "nat"),
            ("keepalive:\n  max_misses: 0", "keepalive.max_misses", "1 to 100"),
            ("keepalive:\n  enabled: maybe", "keepalive.enabled", "true or false"),
            ("keepalive:\n  every: 5", "keepalive.every", "keepalive.interval"),
            ("registrar:\n  expired_retention: -1", "registrar.expired_retention", "0 to 604800"),
        ]
        for (yaml, key, hint) in cases {
            XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: yaml, file: "bad.yaml"), yaml) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("bad.yaml") && text.contains(key) && text.contains(hint), text)
            }
        }
    }
}
