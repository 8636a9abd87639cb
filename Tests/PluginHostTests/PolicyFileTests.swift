@testable import PluginHost
import SIPWardenPolicy
import XCTest

final class PolicyFileTests: XCTestCase {
    private let path = "rules/policies/bruteforce.yaml"

    func testParsesALibraryPolicy() throws {
        let file = try PolicyFile.parse(yaml: """
            # comment
            plugin: bruteforce
            settings:
              max_failures: 5
              window: 10m
              quoted: "90"
              ratio: 1.5
              alert: true
              empty:
              trusted: [10.0.0.0/8, 192.0.2.1]
              escalation: {factor: 2, cap: 1d}
            """, path: path)
        XCTAssertEqual(file.name, "bruteforce")
        XCTAssertEqual(file.plugin, "bruteforce")
        XCTAssertTrue(file.enabled)
        XCTAssertFalse(file.isExec)
        XCTAssertEqual(file.settings["max_failures"], .int(5))
        XCTAssertEqual(file.settings["window"], .string("10m"))
        XCTAssertEqual(file.settings["quoted"], .string("90"))
        XCTAssertEqual(file.settings["ratio"], .double(1.5))
        XCTAssertEqual(file.settings["alert"], .bool(true))
        XCTAssertEqual(file.settings["empty"], .null)
        XCTAssertEqual(file.settings["trusted"], .list([.string("10.0.0.0/8"), .string("192.0.2.1")]))
        XCTAssertEqual(file.settings["escalation"], .map(["factor": .int(2), "cap": .string("1d")]))
        let configuration = file.configuration
        XCTAssertEqual(configuration.section, "bruteforce")
        XCTAssertEqual(configuration.file, path)
        XCTAssertEqual(try configuration.duration("window", default: 0), 600)
    }

    func testParsesAnExecPolicy() throws {
        let file = try PolicyFile.parse(yaml: """
            plugin: exec
            enabled: false
            command: [/usr/bin/python3, /etc/sipwarden/policy.py, --verbose]
            queue: 50
            """, path: "rules/policies/mine.yml")
        XCTAssertEqual(file.name, "mine")
        XCTAssertTrue(file.isExec)
        XCTAssertFalse(file.enabled)
        XCTAssertEqual(file.command, ["/usr/bin/python3", "/etc/sipwarden/policy.py", "--verbose"])
        XCTAssertEqual(file.queue, 50)
        XCTAssertEqual(try PolicyFile.parse(yaml: "plugin: exec\ncommand: [x]", path: path).queue, 1000)
    }

    /// Fuzzing found that a base-60 integer too large for Int trapped inside Yams (a crash of the
    /// daemon on a policy file, or on a policy saved from the web console's rules page).
    func testABaseSixtyIntegerIsTextAndNeverATrap() throws {
        let file = try PolicyFile.parse(yaml: """
            plugin: bruteforce
            settings:
              huge: 177777777778888888:0
              time: 1:30
              plain: 90
            """, path: path)
        XCTAssertEqual(file.settings["huge"], .string("177777777778888888:0"))
        XCTAssertEqual(file.settings["time"], .string("1:30"))
        XCTAssertEqual(file.settings["plain"], .int(90))
    }

    func testErrorsNameFileKeyAndValue() {
        let cases: [(String, String, String)] = [
            ("plugin: bruteforce\nenabeld: true", "enabeld", "true"),
            ("plugin: bruteforce\nenabled: maybe", "enabled", "maybe"),
            ("plugin: ../evil", "plugin", "../evil"),
            ("enabled: true", "plugin", ""),
            ("plugin: exec", "command", ""),
            ("plugin: exec\ncommand: python3 x.py", "command", "python3 x.py"),
            ("plugin: bruteforce\ncommand: [x]", "command", "x"),
            ("plugin: exec\ncommand: [x]\nqueue: 0", "queue", "0"),
            ("plugin: bruteforce\nsettings: [1, 2]", "settings", "[1, 2]"),
        ]
        for (yaml, key, value) in cases {
            XCTAssertThrowsError(try PolicyFile.parse(yaml: yaml, path: path), yaml) { error in
                let error = error as? PolicyConfigurationError
                XCTAssertEqual(error?.file, path, yaml)
                XCTAssertEqual(error?.key, key, yaml)
                XCTAssertEqual(error?.value, value, yaml)
            }
        }
        XCTAssertThrowsError(try PolicyFile.parse(yaml: "plugin: [", path: path))
        XCTAssertThrowsError(try PolicyFile.parse(yaml: "", path: path))
    }

    func testListsYAMLFilesInOrder() throws {
        let directory = try Fixtures.temporaryDirectory(self)
        for name in ["b.yaml", "a.yml", "notes.txt", ".hidden.yaml"] {
            try "plugin: x".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(try PolicyFile.paths(in: directory.path).map { ($0 as NSString).lastPathComponent }, ["a.yml", "b.yaml"])
        XCTAssertEqual(try PolicyFile.paths(in: directory.appendingPathComponent("missing").path), [])
    }
}
