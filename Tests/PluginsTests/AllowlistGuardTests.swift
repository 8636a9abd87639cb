@testable import AllowlistGuard
import SIPWardenPolicy
import XCTest

final class AllowlistGuardTests: XCTestCase {
    private var host = FakePolicyHost()

    override func setUp() {
        host = FakePolicyHost()
    }

    private func plugin(_ values: [String: PolicyValue] = [:]) throws -> AllowlistGuardPlugin {
        try AllowlistGuardPlugin(configuration: configuration("allowlist", values), host: host)
    }

    private func attempt(from source: String, allowed: [String]) -> RegisterAttempt {
        RegisterAttempt(
            source: address(source), sourcePort: 5060, transport: "UDP", aor: "sip:1001@example.com", username: "1001",
            userAgent: "Yealink SIP-T46S", contact: "<sip:1001@\(source):5060>", liveBindingSources: [],
            allowedRanges: allowed.compactMap(IPRange.init), timeMilliseconds: host.now)
    }

    func testReviewRefusesSourcesOutsideThePhonesAllowedRanges() throws {
        let guardian = try plugin()
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.7", allowed: ["192.0.2.0/24"])),
                       .refuse(status: 403, reason: "Source not allowed"))
        XCTAssertEqual(guardian.review(attempt(from: "192.0.2.200", allowed: ["192.0.2.0/24"])), .allow)
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.7", allowed: ["192.0.2.0/24", "198.51.100.7"])), .allow)
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.7", allowed: [])), .allow, "no allowlist: no restriction")
        XCTAssertEqual(guardian.review(attempt(from: "2001:db8:1::5", allowed: ["2001:db8:1::/48"])), .allow)
        XCTAssertEqual(guardian.review(attempt(from: "2001:db8:2::5", allowed: ["2001:db8:1::/48", "192.0.2.0/24"])),
                       .refuse(status: 403, reason: "Source not allowed"))
    }

    func testTrialModeOnlyLogs() throws {
        let guardian = try plugin(["enforce": .bool(false)])
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.7", allowed: ["192.0.2.0/24"])), .allow)
        XCTAssertEqual(host.logs.count, 1)
        XCTAssertTrue(host.logs.first?.1.contains("would refuse sip:1001@example.com from 198.51.100.7") ?? false)
    }

    func testStatusAndReasonAreConfigurable() throws {
        let guardian = try plugin(["status": .int(404), "reason": .string("Not Found")])
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.7", allowed: ["192.0.2.0/24"])), .refuse(status: 404, reason: "Not Found"))
    }

    func testFourDenialsDoNotBanAndTheFifthBansWithEvidence() throws {
        let guardian = try plugin()
        for _ in 0..<4 {
            XCTAssertEqual(try guardian.handle(event(SecurityEventKind.aclDenied, from: "198.51.100.7", at: host.now, aor: "sip:1001@example.com")), [])
            host.advance(milliseconds: 30_000)
        }
        let decisions = try guardian.handle(event(SecurityEventKind.aclDenied, from: "198.51.100.7", at: host.now, aor: "sip:1001@example.com"))
        XCTAssertEqual(decisions.banTargets, ["198.51.100.7"])
        XCTAssertEqual(decisions.bans.first?.seconds, 3600)
        XCTAssertEqual(decisions.bans.first?.evidence.count, 5)
        XCTAssertEqual(
            try guardian.handle(event(SecurityEventKind.aclDenied, from: "198.51.100.7", at: host.now + 1)), [], "banned: in-flight events ignored")
    }

    func testDenialsOutsideTheWindowDoNotCount() throws {
        let guardian = try plugin(["max_denials": .int(2), "window": .string("1m")])
        XCTAssertEqual(try guardian.handle(event(SecurityEventKind.aclDenied, from: "198.51.100.7", at: host.now)), [])
        host.advance(milliseconds: 60_000)
        XCTAssertEqual(try guardian.handle(event(SecurityEventKind.aclDenied, from: "198.51.100.7", at: host.now)), [])
        host.advance(milliseconds: 59_999)
        XCTAssertEqual(try guardian.handle(event(SecurityEventKind.aclDenied, from: "198.51.100.7", at: host.now)).bans.count, 1)
    }

    func testOtherKindsTrustedAndRegisteredSourcesAreNotBanned() throws {
        let guardian = try plugin(["max_denials": .int(1)])
        XCTAssertEqual(try guardian.handle(event(SecurityEventKind.authFailed, from: "198.51.100.7", at: host.now)), [])
        host.trust(["192.0.2.0/24"])
        XCTAssertEqual(try guardian.handle(event(SecurityEventKind.aclDenied, from: "192.0.2.7", at: host.now)), [])
        host.setBindings(12, from: "198.51.100.1")
        let spared = try guardian.handle(event(SecurityEventKind.aclDenied, from: "198.51.100.1", at: host.now))
        XCTAssertEqual(spared.bans, [])
        XCTAssertTrue(spared.alerts.first?.message.contains("12 live registrations") ?? false)
        XCTAssertEqual(try plugin(["max_denials": .int(0)]).handle(event(SecurityEventKind.aclDenied, from: "198.51.100.9", at: host.now)), [],
                       "0 turns banning off")
    }

    func testStateStaysBounded() throws {
        let guardian = try plugin(["max_tracked_sources": .int(2048)])
        var peak = 0
        for index in 0..<200_000 {
            _ = try guardian.handle(event(SecurityEventKind.aclDenied, from: tenNet(index).description, at: host.now))
            host.advance(milliseconds: 1)
            if index % 1000 == 0 {
                _ = try guardian.tick(nowMilliseconds: host.now)
                peak = max(peak, guardian.trackedSources)
            }
        }
        XCTAssertLessThanOrEqual(peak, 2048)
        host.advance(milliseconds: 600_000)
        _ = try guardian.tick(nowMilliseconds: host.now)
        XCTAssertEqual(guardian.trackedSources, 0)
    }
}
