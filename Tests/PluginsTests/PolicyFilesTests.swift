@testable import AllowlistGuard
@testable import BruteForce
@testable import HijackGuard
@testable import RateLimit
@testable import ScannerBlock
import SIPWardenPolicy
import XCTest
import Yams

/// The shipped policy files (rules/policies/*.yaml): each creates its plugin, and the values
/// written there are exactly the built-in defaults, so the documentation cannot drift from the code.
final class PolicyFilesTests: XCTestCase {
    private let host = FakePolicyHost()

    private static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules/policies")

    /// The file's top-level mapping, with `settings` as a policy configuration.
    private func load(_ name: String) throws -> (plugin: String, enabled: Bool, settings: PolicyConfiguration) {
        let path = Self.directory.appendingPathComponent("\(name).yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard case .map(let top)? = try Yams.compose(yaml: text).map(Self.value) else {
            throw XCTSkip("\(path) is not a mapping")
        }
        XCTAssertEqual(Set(top.keys), ["plugin", "enabled", "settings"], path)
        guard case .string(let plugin)? = top["plugin"], case .bool(let enabled)? = top["enabled"],
              case .map(let settings)? = top["settings"]
        else {
            XCTFail("\(path): plugin, enabled and settings expected")
            return ("", false, configuration(name))
        }
        return (plugin, enabled, PolicyConfiguration(file: path, section: name, values: settings))
    }

    private static func value(_ node: Node) -> PolicyValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag {
            case Tag(.null): return .null
            case Tag(.bool): return node.bool.map(PolicyValue.bool) ?? .string(scalar.string)
            case Tag(.int): return node.int.map { .int(Int64($0)) } ?? .string(scalar.string)
            case Tag(.float): return node.float.map(PolicyValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence): return .list(sequence.map(value))
        case .mapping(let mapping):
            var result: [String: PolicyValue] = [:]
            for (key, item) in mapping { result[key.string ?? ""] = value(item) }
            return .map(result)
        case .alias: return .null
        }
    }

    func testShippedFilesNameTheirPluginAndAreEnabled() throws {
        for name in ["ratelimit", "bruteforce", "scanner", "allowlist", "hijack"] {
            let file = try load(name)
            XCTAssertEqual(file.plugin, name)
            XCTAssertTrue(file.enabled, name)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertEqual(Set(files), ["ratelimit.yaml", "bruteforce.yaml", "scanner.yaml", "allowlist.yaml", "hijack.yaml"])
    }

    func testShippedValuesAreTheBuiltInDefaults() throws {
        XCTAssertEqual(try RateLimitSettings(load("ratelimit").settings), try RateLimitSettings(configuration("ratelimit")))
        XCTAssertEqual(try BruteForceSettings(load("bruteforce").settings), try BruteForceSettings(configuration("bruteforce")))
        XCTAssertEqual(try ScannerSettings(load("scanner").settings), try ScannerSettings(configuration("scanner")))
        XCTAssertEqual(try AllowlistSettings(load("allowlist").settings), try AllowlistSettings(configuration("allowlist")))
        XCTAssertEqual(try HijackSettings(load("hijack").settings), try HijackSettings(configuration("hijack")))
    }

    func testShippedFilesCreateTheirPlugins() throws {
        let plugins: [any PolicyPlugin] = [
            try RateLimitPlugin(configuration: load("ratelimit").settings, host: host),
            try BruteForcePlugin(configuration: load("bruteforce").settings, host: host),
            try ScannerBlockPlugin(configuration: load("scanner").settings, host: host),
            try AllowlistGuardPlugin(configuration: load("allowlist").settings, host: host),
            try HijackGuardPlugin(configuration: load("hijack").settings, host: host),
        ]
        XCTAssertEqual(plugins.map(\.name), ["ratelimit", "bruteforce", "scanner", "allowlist", "hijack"])
        XCTAssertEqual(plugins.map(\.wantsAdmission), [true, false, false, false, false], "only ratelimit is on the packet path")
        XCTAssertTrue(plugins.allSatisfy { !$0.version.isEmpty })
    }

    func testConfigurationErrorsNameTheFileTheKeyAndTheValue() {
        let ratelimit = "rules/policies/ratelimit.yaml"
        assertConfigurationError("\(ratelimit): burst: invalid value 'lots': expected a number from 1.0 to 10000000.0") {
            try RateLimitPlugin(configuration: configuration("ratelimit", ["burst": .string("lots")]), host: self.host)
        }
        assertConfigurationError("\(ratelimit): over_limit: invalid value 'sometimes': expected drop or reject") {
            try RateLimitPlugin(configuration: configuration("ratelimit", ["over_limit": .string("sometimes")]), host: self.host)
        }
        assertConfigurationError(
            "\(ratelimit): ban_within: invalid value '30s': must span at least ban_after_windows (6) windows of 10s, i.e. 60s, "
                + "or no source could ever be banned"
        ) {
            try RateLimitPlugin(configuration: configuration("ratelimit", ["ban_within": .string("30s")]), host: self.host)
        }
        assertConfigurationError("\(ratelimit): window: invalid value '0': expected a duration from 1s to 3600s") {
            try RateLimitPlugin(configuration: configuration("ratelimit", ["window": .int(0)]), host: self.host)
        }

        let bruteforce = "rules/policies/bruteforce.yaml"
        assertConfigurationError("\(bruteforce): max_failures: invalid value '0': expected a whole number from 1 to 100000") {
            try BruteForcePlugin(configuration: configuration("bruteforce", ["max_failures": .int(0)]), host: self.host)
        }
        assertConfigurationError("\(bruteforce): window: invalid value '10x': expected a duration such as 90, 90s, 15m, 2h or 7d") {
            try BruteForcePlugin(configuration: configuration("bruteforce", ["window": .string("10x")]), host: self.host)
        }
        assertConfigurationError("\(bruteforce): max_ban_time: invalid value '5m': must be at least ban_time (900s)") {
            try BruteForcePlugin(configuration: configuration("bruteforce", ["max_ban_time": .string("5m")]), host: self.host)
        }
        assertConfigurationError(
            "\(bruteforce): max_failure: invalid value '3': unknown key; known keys: "
                + BruteForceSettings.keys.sorted().joined(separator: ", ")
        ) {
            try BruteForcePlugin(configuration: configuration("bruteforce", ["max_failure": .int(3)]), host: self.host)
        }

        let scanner = "rules/policies/scanner.yaml"
        assertConfigurationError("\(scanner): match: invalid value 'regex': expected word (a pattern must not be part of a longer word) or substring") {
            try ScannerBlockPlugin(configuration: configuration("scanner", ["match": .string("regex")]), host: self.host)
        }
        assertConfigurationError("\(scanner): user_agents: invalid value '': an empty pattern would match every User-Agent") {
            try ScannerBlockPlugin(configuration: configuration("scanner", ["user_agents": .list([.string("sipcli"), .string("")])]), host: self.host)
        }
        assertConfigurationError("\(scanner): sweep_usernames: invalid value '1': one username is no sweep; use 0 to turn sweep detection off, or 2 or more") {
            try ScannerBlockPlugin(configuration: configuration("scanner", ["sweep_usernames": .int(1)]), host: self.host)
        }

        let allowlist = "rules/policies/allowlist.yaml"
        assertConfigurationError("\(allowlist): status: invalid value '200': expected a whole number from 400 to 699") {
            try AllowlistGuardPlugin(configuration: configuration("allowlist", ["status": .int(200)]), host: self.host)
        }
        assertConfigurationError("\(allowlist): reason: invalid value 'Go\r\nAway': expected a reason phrase of printable characters, without line breaks") {
            try AllowlistGuardPlugin(configuration: configuration("allowlist", ["reason": .string("Go\r\nAway")]), host: self.host)
        }

        let hijack = "rules/policies/hijack.yaml"
        assertConfigurationError("\(hijack): ipv4_prefix: invalid value '33': expected a whole number from 1 to 32") {
            try HijackGuardPlugin(configuration: configuration("hijack", ["ipv4_prefix": .int(33)]), host: self.host)
        }
        assertConfigurationError("\(hijack): refuse: invalid value 'yes please': expected true or false") {
            try HijackGuardPlugin(configuration: configuration("hijack", ["refuse": .string("yes please")]), host: self.host)
        }
    }
}
