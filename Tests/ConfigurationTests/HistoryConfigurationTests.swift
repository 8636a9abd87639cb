@testable import Configuration
import History
import XCTest

/// `history.*`: spans and sizes in the units operators write, defaults matching the example
/// file, and errors naming the file, the key and the value.
final class HistoryConfigurationTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testTheExampleFileHasTheDefaults() throws {
        let example = try ConfigurationLoader.load(path: root.appendingPathComponent("rules/sipwarden.example.yaml").path)
        XCTAssertEqual(example.history, HistorySettings())
        XCTAssertEqual(HistorySettings().retentionSeconds, 30 * 86_400)
        XCTAssertEqual(HistorySettings().rollupRetentionSeconds, 365 * 86_400)
        XCTAssertEqual(HistorySettings().maxSizeBytes, 1 << 30)
        XCTAssertTrue(HistorySettings().enabled)
    }

    func testSpansAndSizesAreRead() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            data_dir: /var/lib/sipwarden
            history:
              enabled: false
              retention: 12h
              rollup_retention: 2w
              max_size: 500MiB
              queue_size: 4096
            """, file: "test.yaml")
        XCTAssertFalse(configuration.history.enabled)
        XCTAssertEqual(configuration.history.retentionSeconds, 12 * 3600)
        XCTAssertEqual(configuration.history.rollupRetentionSeconds, 14 * 86_400)
        XCTAssertEqual(configuration.history.maxSizeBytes, 500 << 20)
        XCTAssertEqual(configuration.history.queueCapacity, 4096)
        XCTAssertEqual(configuration.historyPath, "/var/lib/sipwarden/history.sqlite")
        let seconds = try ConfigurationLoader.parse(yaml: "history:\n  retention: 7200\n  max_size: 2097152\n", file: "test.yaml")
        XCTAssertEqual(seconds.history.retentionSeconds, 7200)
        XCTAssertEqual(seconds.history.maxSizeBytes, 2 << 20)
    }

    func testErrorsNameFileKeyAndValue() {
        for (yaml, key, value) in [
            ("history:\n  retention: 30 days\n", "history.retention", "30 days"),
            ("history:\n  retention: 10m\n", "history.retention", "10m"),
            ("history:\n  max_size: 1PB\n", "history.max_size", "1PB"),
            ("history:\n  max_size: 1000\n", "history.max_size", "1000"),
            ("history:\n  enabled: maybe\n", "history.enabled", "maybe"),
            ("history:\n  retention_days: 3\n", "history.retention_days", ""),
            ("history:\n  retention: 30d\n  rollup_retention: 7d\n", "history.rollup_retention", "604800s"),
        ] {
            XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: yaml, file: "sipwarden.yaml"), yaml) { error in
                guard let error = error as? ConfigurationError else { return XCTFail("unexpected \(error)") }
                XCTAssertEqual(error.file, "sipwarden.yaml")
                XCTAssertEqual(error.key, key, yaml)
                XCTAssertEqual(error.value, value, yaml)
                XCTAssertFalse(error.message.isEmpty)
            }
        }
    }
}
