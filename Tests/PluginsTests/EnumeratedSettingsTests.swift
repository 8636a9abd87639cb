@testable import AllowlistGuard
@testable import BruteForce
@testable import RateLimit
@testable import ScannerBlock
import SIPWardenPolicy
import XCTest

/// An enumerated setting (an event kind in a list, a mode) with a value the code does not know is
/// an error naming the file, the key (with the item's index in a list) and the value, and listing
/// what is allowed: `failure_kinds: [auth.faild]` must not load and then never match.
final class EnumeratedSettingsTests: XCTestCase {
    private let host = FakePolicyHost()
    private let knownKinds = SecurityEventKind.all.sorted().joined(separator: ", ")

    func testAMistypedFailureKindIsAnErrorNamingItsIndex() {
        assertConfigurationError(
            "rules/policies/bruteforce.yaml: failure_kinds[0]: invalid value 'auth.faild': "
                + "unknown event kind (did you mean auth.failed?); expected one of: \(knownKinds)"
        ) {
            try BruteForcePlugin(
                configuration: configuration("bruteforce", ["failure_kinds": .list([.string("auth.faild"), .string("auth.unknown_user")])]),
                host: self.host)
        }
        assertConfigurationError(
            "rules/policies/bruteforce.yaml: failure_kinds: invalid value 'auth.failures': "
                + "unknown event kind; expected one of: \(knownKinds)"
        ) {
            try BruteForcePlugin(configuration: configuration("bruteforce", ["failure_kinds": .string("auth.failures")]), host: self.host)
        }
    }

    func testEveryEventKindListOfEveryPluginIsChecked() {
        let bad: PolicyValue = .list([.string(SecurityEventKind.authChallenged), .string("register.acepted")])
        let message = "invalid value 'register.acepted': unknown event kind (did you mean register.accepted?); expected one of: \(knownKinds)"
        assertConfigurationError("rules/policies/ratelimit.yaml: aor_event_kinds[1]: \(message)") {
            try RateLimitPlugin(configuration: configuration("ratelimit", ["aor_event_kinds": bad]), host: self.host)
        }
        assertConfigurationError("rules/policies/scanner.yaml: sweep_kinds[1]: \(message)") {
            try ScannerBlockPlugin(configuration: configuration("scanner", ["sweep_kinds": bad]), host: self.host)
        }
        assertConfigurationError("rules/policies/scanner.yaml: malformed_kinds[1]: \(message)") {
            try ScannerBlockPlugin(configuration: configuration("scanner", ["malformed_kinds": bad]), host: self.host)
        }
        assertConfigurationError("rules/policies/allowlist.yaml: denial_kinds[1]: \(message)") {
            try AllowlistGuardPlugin(configuration: configuration("allowlist", ["denial_kinds": bad]), host: self.host)
        }
    }

    func testModesAreCheckedAndTheAllowedOnesListed() {
        assertConfigurationError("rules/policies/scanner.yaml: match: invalid value 'regex': unknown value; expected one of: substring, word") {
            try ScannerBlockPlugin(configuration: configuration("scanner", ["match": .string("regex")]), host: self.host)
        }
        assertConfigurationError("rules/policies/scanner.yaml: match: invalid value 'Word': unknown value (did you mean word?); expected one of: substring, word") {
            try ScannerBlockPlugin(configuration: configuration("scanner", ["match": .string("Word")]), host: self.host)
        }
        assertConfigurationError("rules/policies/ratelimit.yaml: over_limit: invalid value 'rejct': unknown value (did you mean reject?); expected one of: drop, reject") {
            try RateLimitPlugin(configuration: configuration("ratelimit", ["over_limit": .string("rejct")]), host: self.host)
        }
    }

    func testEveryKnownKindIsAccepted() throws {
        let all = PolicyValue.list(SecurityEventKind.all.map(PolicyValue.string))
        XCTAssertEqual(try BruteForceSettings(configuration("bruteforce", ["failure_kinds": all])).failureKinds, Set(SecurityEventKind.all))
        let junk = try ScannerSettings(configuration("scanner", ["malformed_kinds": .list([.string("transport.junk"), .string("request.unsupported")])]))
        XCTAssertEqual(junk.malformedKinds, [SecurityEventKind.transportJunk, SecurityEventKind.requestUnsupported])
        XCTAssertEqual(try ScannerSettings(configuration("scanner", ["match": .string("substring")])).userAgents.first?.wholeWord, false)
        XCTAssertEqual(try RateLimitSettings(configuration("ratelimit", ["over_limit": .string("reject")])).overLimit, .reject)
    }

    func testTheDaemonsRequestKindsAreKnown() {
        for kind in ["request.malformed", "request.options", "request.unsupported", "transport.junk"] {
            XCTAssertTrue(SecurityEventKind.all.contains(kind), kind)
        }
    }

    func testListCheckingInANestedSectionNamesTheDottedKey() throws {
        let top = PolicyConfiguration(
            file: "rules/policies/mine.yaml", section: "mine",
            values: ["rules": .map(["kinds": .list([.string("acl.denied"), .int(5)]), "mode": .string("fast")])])
        let nested = try top.section("rules")
        assertConfigurationError(
            "rules/policies/mine.yaml: rules.kinds[1]: invalid value '5': unknown event kind; expected one of: \(knownKinds)"
        ) { try nested.eventKinds("kinds", default: []) }
        assertConfigurationError("rules/policies/mine.yaml: rules.mode: invalid value 'fast': unknown value; expected one of: fast-ish, slow") {
            try nested.choice("mode", default: "slow", allowed: ["slow", "fast-ish"])
        }
        XCTAssertEqual(try nested.choices("missing", default: ["a"], allowed: ["b"]), ["a"], "a default is not checked")
        XCTAssertEqual(try nested.choice("missing", default: "slow", allowed: ["slow"]), "slow")
    }
}
