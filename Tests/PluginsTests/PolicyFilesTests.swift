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

    func testShippedFilesWriteOutEveryKey() throws {
        XCTAssertEqual(Set(try load("ratelimit").settings.values.keys), Set(RateLimitSettings.keys))
        XCTAssertEqual(Set(try load("bruteforce").settings.values.keys), Set(BruteForceSettings.keys))
        XCTAssertEqual(Set(try load("scanner").settings.values.keys), Set(ScannerSettings.keys))
        XCTAssertEqual(Set(try load("allowlist").settings.values.keys), Set(AllowlistSettings.keys))
        XCTAssertEqual(Set(try load("hijack").settings.values.keys), Set(HijackSettings.keys))
    }

    /// No policy file at all: the host hands each plugin an empty configuration, and the plugin
    /// must run exactly as its shipped file says (a policy file tunes a plugin, it never decides
    /// whether the daemon is protected).
    func testPluginsWithoutAPolicyFileRunOnTheShippedValues() throws {
        func empty(_ name: String) -> PolicyConfiguration { PolicyConfiguration(file: "", section: name, values: [:]) }
        XCTAssertEqual(
            try RateLimitPlugin(configuration: empty("ratelimit"), host: host).settings,
            try RateLimitPlugin(configuration: load("ratelimit").settings, host: host).settings)
        XCTAssertEqual(
            try BruteForcePlugin(configuration: empty("bruteforce"), host: host).settings,
            try BruteForcePlugin(configuration: load("bruteforce").settings, host: host).settings)
        XCTAssertEqual(
            try ScannerBlockPlugin(configuration: empty("scanner"), host: host).settings,
            try ScannerBlockPlugin(configuration: load("scanner").settings, host: host).settings)
        XCTAssertEqual(
            try AllowlistGuardPlugin(configuration: empty("allowlist"), host: host).settings,
            try AllowlistGuardPlugin(configuration: load("allowlist").settings, host: host).settings)
        XCTAssertEqual(
            try HijackGuardPlugin(configuration: empty("hijack"), host: host).settings,
            try HijackGuardPlugin(configuration: load("hijack").settings, host: host).settings)
    }

    /// The same plugins, built from nothing, do their job with the shipped values.
    func testPluginsWithoutAPolicyFileProtect() throws {
        func empty(_ name: String) -> PolicyConfiguration { PolicyConfiguration(file: "", section: name, values: [:]) }
        let now = host.now

        let limiter = try RateLimitPlugin(configuration: empty("ratelimit"), host: host)
        let packet = PacketInfo(source: address("203.0.113.1"), sourcePort: 5060, transport: "UDP", size: 400)
        let admitted = (0..<150).filter { _ in limiter.admit(packet) == .accept }.count
        XCTAssertEqual(admitted, 100, "the shipped burst of 100")

        let brute = try BruteForcePlugin(configuration: empty("bruteforce"), host: host)
        var decisions: [Decision] = []
        for _ in 0..<10 {
            decisions += try brute.handle(event(SecurityEventKind.authFailed, from: "203.0.113.2", at: now, aor: "sip:1001@example.com"))
        }
        XCTAssertEqual(decisions.bans.map(\.seconds), [900], "10 failures ban for 15 minutes")

        let scanner = try ScannerBlockPlugin(configuration: empty("scanner"), host: host)
        XCTAssertEqual(
            try scanner.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.3", at: now, userAgent: "friendly-scanner"))
                .bans.map(\.seconds), [86_400])
        decisions = []
        for _ in 0..<20 { decisions += try scanner.handle(event(SecurityEventKind.requestMalformed, from: "203.0.113.4", at: now)) }
        XCTAssertEqual(decisions.bans.map(\.seconds), [3600], "20 malformed messages ban for an hour")

        let allowlist = try AllowlistGuardPlugin(configuration: empty("allowlist"), host: host)
        decisions = []
        for _ in 0..<5 { decisions += try allowlist.handle(event(SecurityEventKind.aclDenied, from: "203.0.113.5", at: now)) }
        XCTAssertEqual(decisions.bans.map(\.seconds), [3600], "5 denials ban for an hour")

        let hijack = try HijackGuardPlugin(configuration: empty("hijack"), host: host)
        _ = hijack.review(RegisterAttempt(
            source: address("198.51.100.20"), sourcePort: 5060, transport: "UDP", aor: "sip:1001@example.com", username: "1001",
            userAgent: nil, contact: "<sip:1001@198.51.100.20>", liveBindingSources: [address("192.0.2.10")], allowedRanges: [],
            timeMilliseconds: now))
        XCTAssertEqual(try hijack.tick(nowMilliseconds: now).reports.map(\.kind), [SecurityEventKind.hijackSuspected])
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
        assertConfigurationError("\(ratelimit): over_limit: invalid value 'sometimes': unknown value; expected one of: drop, reject") {
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
        assertConfigurationError("\(scanner): match: invalid value 'regex': unknown value; expected one of: substring, word") {
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
