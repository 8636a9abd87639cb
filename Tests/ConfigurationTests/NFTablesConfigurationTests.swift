@testable import Configuration
import Firewall
import XCTest

/// `nftables.table`: read, defaulted, passed to the backend, and refused with the file, key and
/// value named when nftables (or `nft` unquoted) would not take it.
final class NFTablesConfigurationTests: XCTestCase {
    func testTheTableDefaultsToSipwarden() throws {
        XCTAssertEqual(DaemonConfiguration().nftables.table, "sipwarden")
        XCTAssertEqual(DaemonConfiguration().nftablesOptions.table, "sipwarden")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try ConfigurationLoader.load(path: root.appendingPathComponent("rules/sipwarden.example.yaml").path)
        XCTAssertEqual(example.nftables, NFTablesSettings(), "the example file shows the defaults")
    }

    func testAValidNameReachesTheBackendOptions() throws {
        for name in ["sipwarden_b", "voip-2", "A", "t" + String(repeating: "x", count: 30)] {
            let configuration = try ConfigurationLoader.parse(yaml: "nftables:\n  table: \(name)\n", file: "n.yaml")
            XCTAssertEqual(configuration.nftables.table, name)
            XCTAssertEqual(configuration.nftablesOptions.table, name, "the backend gets the configured table")
        }
    }

    func testABadNameNamesTheFileKeyAndValue() {
        let bad: [(yaml: String, value: String, says: String)] = [
            ("\"\"", "", "must not be empty"),
            ("\"two words\"", "two words", "only letters, digits, _ and -"),
            ("1table", "1table", "starts with a letter"),
            ("-table", "-table", "starts with a letter"),
            ("inet/sipwarden", "inet/sipwarden", "only letters, digits, _ and -"),
            ("tablé", "tablé", "only letters, digits, _ and -"),
            ("t" + String(repeating: "x", count: 31), "t" + String(repeating: "x", count: 31), "at most 31 characters (this one has 32)"),
        ]
        for (yaml, value, says) in bad {
            XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: "nftables:\n  table: \(yaml)\n", file: "/etc/sipwarden/sipwarden.yaml"), yaml) { error in
                let configurationError = error as? ConfigurationError
                XCTAssertEqual(configurationError?.file, "/etc/sipwarden/sipwarden.yaml")
                XCTAssertEqual(configurationError?.key, "nftables.table")
                XCTAssertEqual(configurationError?.value, value)
                XCTAssertTrue("\(error)".contains(says), "\(yaml): \(error)")
            }
        }
        XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: "nftables:\n  table: [a, b]\n", file: "n.yaml")) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "nftables.table")
        }
    }
}
