@testable import AllowlistGuard
@testable import BruteForce
@testable import RateLimit
@testable import ScannerBlock
import SIPWardenPolicy
import XCTest

/// Every shipped plugin that bans forgets its "already banned" state for an address when that
/// ban ends (`ban.removed` by an operator, `ban.expired` by the daemon's sweep), and bans the
/// address again at its next offence. (The hijack guard never bans, so it has nothing to forget.)
final class BanEndingTests: XCTestCase {
    private var host = FakePolicyHost()
    private let source = "127.0.0.1"

    override func setUp() {
        host = FakePolicyHost()
    }

    private static let endings = [SecurityEventKind.banRemoved, SecurityEventKind.banExpired]

    /// Runs `offence` (which must ban `source`), ends the ban with `kind`, and checks that the
    /// next offence, a minute later and long before the plugin's own ban time is over, bans again.
    private func assertBansAgain(
        after kind: String, _ plugin: any PolicyPlugin, file: StaticString = #filePath, line: UInt = #line,
        offence: () throws -> [Decision]
    ) throws {
        XCTAssertEqual(try offence().banTargets, [source], "the first offence bans (\(kind))", file: file, line: line)
        host.advance(milliseconds: 1000)
        XCTAssertEqual(try offence().banTargets, [], "while banned, events in flight change nothing (\(kind))", file: file, line: line)
        host.advance(milliseconds: 1000)
        XCTAssertEqual(try plugin.handle(banEnded(kind, source, at: host.now)), [], file: file, line: line)
        host.advance(milliseconds: 60_000)
        XCTAssertEqual(try offence().banTargets, [source], "after \(kind) the next offence bans again", file: file, line: line)
    }

    func testScannerUserAgentBansAgainAfterItsBanEnds() throws {
        for kind in Self.endings {
            let scanner = try ScannerBlockPlugin(configuration: configuration("scanner"), host: host)
            try assertBansAgain(after: kind, scanner) {
                try scanner.handle(event(SecurityEventKind.authChallenged, from: source, at: host.now, userAgent: "friendly-scanner"))
            }
        }
    }

    func testScannerMalformedTrafficBansAgainAfterItsBanEnds() throws {
        for kind in Self.endings {
            let scanner = try ScannerBlockPlugin(configuration: configuration("scanner", ["malformed_limit": .int(3)]), host: host)
            try assertBansAgain(after: kind, scanner) {
                var decisions: [Decision] = []
                for _ in 0..<3 { decisions += try scanner.handle(event(SecurityEventKind.requestMalformed, from: source, at: host.now)) }
                return decisions
            }
        }
    }

    func testBruteForceBansAgainAfterItsBanEnds() throws {
        for kind in Self.endings {
            let guardian = try BruteForcePlugin(configuration: configuration("bruteforce", ["max_failures": .int(3)]), host: host)
            try assertBansAgain(after: kind, guardian) {
                var decisions: [Decision] = []
                for _ in 0..<3 {
                    decisions += try guardian.handle(event(
                        SecurityEventKind.authFailed, from: source, at: host.now, aor: "sip:1001@example.com", username: "1001"))
                }
                return decisions
            }
        }
    }

    func testAllowlistBansAgainAfterItsBanEnds() throws {
        for kind in Self.endings {
            let guardian = try AllowlistGuardPlugin(configuration: configuration("allowlist", ["max_denials": .int(2)]), host: host)
            try assertBansAgain(after: kind, guardian) {
                var decisions: [Decision] = []
                for _ in 0..<2 {
                    decisions += try guardian.handle(event(SecurityEventKind.aclDenied, from: source, at: host.now, aor: "sip:1001@example.com"))
                }
                return decisions
            }
        }
    }

    func testRateLimitBansAgainAfterItsBanEnds() throws {
        for kind in Self.endings {
            let limiter = try RateLimitPlugin(
                configuration: configuration("ratelimit", [
                    "aor_burst": .int(2), "ban_after_windows": .int(1), "window": .string("10s"), "ban_within": .string("10s"),
                ]),
                host: host)
            try assertBansAgain(after: kind, limiter) {
                var decisions: [Decision] = []
                for _ in 0..<3 {
                    decisions += try limiter.handle(event(SecurityEventKind.authChallenged, from: source, at: host.now, aor: "sip:1001@example.com"))
                }
                return decisions
            }
        }
    }

    func testTheBanOfAnotherAddressOrOfARangeIsNotForgotten() throws {
        let scanner = try ScannerBlockPlugin(configuration: configuration("scanner"), host: host)
        let scan = { try scanner.handle(event(SecurityEventKind.authChallenged, from: self.source, at: self.host.now, userAgent: "sipvicious")) }
        XCTAssertEqual(try scan().banTargets, [source])
        _ = try scanner.handle(banEnded(SecurityEventKind.banRemoved, "127.0.0.2", at: host.now))
        // Lifting a range lifts only that exact stored ban, never the single-address bans inside it.
        _ = try scanner.handle(banEnded(SecurityEventKind.banRemoved, "127.0.0.0/8", at: host.now))
        _ = try scanner.handle(banEnded(SecurityEventKind.banExpired, "::1", at: host.now))
        XCTAssertEqual(try scan(), [], "still banned")
        XCTAssertEqual(scanner.tracked.banned, 1)
    }

    func testABanEndNamingItsTargetOnlyInTheDetailIsUnderstood() throws {
        let scanner = try ScannerBlockPlugin(configuration: configuration("scanner"), host: host)
        let scan = { try scanner.handle(event(SecurityEventKind.authChallenged, from: "2001:db8::7", at: self.host.now, userAgent: "sipcli/1.0")) }
        XCTAssertEqual(try scan().banTargets, ["2001:db8::7"])
        _ = try scanner.handle(SecurityEvent(
            timeMilliseconds: host.now, kind: SecurityEventKind.banRemoved, sourceIP: "", sourcePort: 0, transport: "",
            username: "operator", detail: "2001:db8::7: lifted by the operator"))
        XCTAssertEqual(try scan().banTargets, ["2001:db8::7"])
    }
}
