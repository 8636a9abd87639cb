@testable import BruteForce
import SIPWardenPolicy
import XCTest

final class BruteForceTests: XCTestCase {
    private var host = FakePolicyHost()
    private let aor = "sip:1001@example.com"

    override func setUp() {
        host = FakePolicyHost()
    }

    private func plugin(_ values: [String: PolicyValue] = [:]) throws -> BruteForcePlugin {
        try BruteForcePlugin(configuration: configuration("bruteforce", values), host: host)
    }

    /// A wrong password from `source` at the current time, then a second passes.
    private func fail(
        _ plugin: BruteForcePlugin, from source: String, aor: String? = "sip:1001@example.com",
        kind: String = SecurityEventKind.authFailed, detail: String = "wrong_password"
    ) throws -> [Decision] {
        defer { host.advance(milliseconds: 1000) }
        let user = aor.map { String($0.dropFirst(4).prefix { $0 != "@" }) }
        return try plugin.handle(event(kind, from: source, at: host.now, aor: aor, username: user, detail: detail))
    }

    func testNineFailuresDoNotBanAndTheTenthBansWithEvidence() throws {
        let guardian = try plugin()
        for _ in 0..<9 {
            XCTAssertEqual(try fail(guardian, from: "203.0.113.7"), [])
        }
        let decisions = try fail(guardian, from: "203.0.113.7")
        XCTAssertEqual(decisions.count, 1)
        let ban = try XCTUnwrap(decisions.bans.first)
        XCTAssertEqual(ban.target.description, "203.0.113.7")
        XCTAssertEqual(ban.seconds, 900, "the first ban lasts 15 minutes")
        XCTAssertEqual(ban.evidence.count, 10)
        XCTAssertEqual(Set(ban.evidence.map(\.kind)), [SecurityEventKind.authFailed])
        XCTAssertEqual(ban.reason, "10 authentication failures within 10m")
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7"), [], "events still in flight during the ban are ignored")
    }

    func testFailuresOutsideTheWindowDoNotCount() throws {
        let guardian = try plugin(["max_failures": .int(3), "window": .string("1m")])
        let start = host.now
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7"), [])  // at start
        host.now = start + 30_000
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7"), [])
        host.now = start + 60_000  // the first failure is exactly one window old: it no longer counts
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7"), [])
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7").banTargets, ["203.0.113.7"], "three within the last minute")
    }

    func testUnknownUsersAndReplaysCountButStaleNoncesAndChallengesDoNot() throws {
        let guardian = try plugin(["max_failures": .int(3)])
        for kind in [SecurityEventKind.authStaleNonce, SecurityEventKind.authChallenged, SecurityEventKind.registerRejected] {
            for _ in 0..<5 { XCTAssertEqual(try fail(guardian, from: "203.0.113.7", kind: kind), []) }
        }
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7", aor: "sip:9999@example.com", kind: SecurityEventKind.authUnknownUser), [])
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7", detail: "nonce_count_replay"), [])
        let ban = try fail(guardian, from: "203.0.113.7").bans
        XCTAssertEqual(ban.map(\.target.description), ["203.0.113.7"])
        XCTAssertEqual(ban.first?.evidence.map(\.kind), [
            SecurityEventKind.authUnknownUser, SecurityEventKind.authFailed, SecurityEventKind.authFailed,
        ])
    }

    func testRepeatOffencesEscalateUpToTheCap() throws {
        let guardian = try plugin(["max_failures": .int(2), "ban_time": .string("15m"), "ban_multiplier": .int(4),
                                   "max_ban_time": .string("7d"), "remember_offences": .string("1d")])
        var lengths: [Int] = []
        for _ in 0..<7 {
            _ = try fail(guardian, from: "203.0.113.7")
            let ban = try XCTUnwrap(try fail(guardian, from: "203.0.113.7").bans.first)
            lengths.append(ban.seconds)
            host.advance(milliseconds: Int64(ban.seconds) * 1000)  // the ban runs out; the offender comes back at once
        }
        XCTAssertEqual(lengths, [900, 3600, 14_400, 57_600, 230_400, 604_800, 604_800], "×4 per offence, capped at 7 days")
    }

    func testOffencesAreForgottenAfterRememberOffences() throws {
        let guardian = try plugin(["max_failures": .int(1), "remember_offences": .string("1d")])
        let first = try XCTUnwrap(try fail(guardian, from: "203.0.113.7").bans.first)
        host.advance(milliseconds: Int64(first.seconds) * 1000 + 86_400_000 - 2000)
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7").bans.first?.seconds, 3600, "within a day of the ban's end")
        host.advance(milliseconds: 3600 * 1000 + 86_400_000)
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7").bans.first?.seconds, 900, "a day later: a first offence again")
    }

    func testPasswordSprayFromTwentyAddressesBansThemAllWithOneAlertAndSparesTheRealUser() throws {
        let guardian = try plugin()
        let realUser = "192.0.2.10"
        // The real user mistypes once, then registers fine (its binding may even have lapsed since).
        XCTAssertEqual(try fail(guardian, from: realUser), [])
        XCTAssertEqual(try guardian.handle(event(SecurityEventKind.registerAccepted, from: realUser, at: host.now, aor: aor, username: "1001")), [])
        var decisions: [Decision] = []
        var banAfter: [Int] = []
        for attacker in 1...20 {
            let step = try fail(guardian, from: "198.51.100.\(attacker)")
            banAfter.append(step.bans.count)
            decisions += step
        }
        XCTAssertEqual(banAfter, [0, 0, 0, 0, 5] + Array(repeating: 1, count: 15),
                       "the fifth address reveals the spray and bans all five; later ones are banned at their first failure")
        XCTAssertEqual(Set(decisions.banTargets), Set((1...20).map { "198.51.100.\($0)" }))
        XCTAssertEqual(decisions.bans.count, 20)
        XCTAssertEqual(decisions.alerts.count, 1, "one alert for the spray")
        XCTAssertTrue(decisions.alerts.first?.message.contains("password spray against \(aor)") ?? false)
        XCTAssertTrue(decisions.bans.allSatisfy { $0.reason.hasPrefix("password spray against \(aor)") && !$0.evidence.isEmpty })
        // The real user keeps going: a typo during the spray bans nothing, registering works.
        XCTAssertEqual(try fail(guardian, from: realUser), [])
        XCTAssertEqual(try guardian.handle(event(SecurityEventKind.registerRefreshed, from: realUser, at: host.now, aor: aor)), [])
        XCTAssertFalse(decisions.banTargets.contains(realUser))
        XCTAssertTrue(decisions.allSatisfy { if case .unban = $0 { false } else { true } }, "nothing acts on the account")
    }

    func testSprayNeedsDistinctAddressesWithinTheSprayWindow() throws {
        let guardian = try plugin(["spray_addresses": .int(3), "spray_window": .string("10m")])
        XCTAssertEqual(try fail(guardian, from: "198.51.100.1"), [])
        XCTAssertEqual(try fail(guardian, from: "198.51.100.1"), [], "the same address twice is one address")
        host.advance(milliseconds: 600_000)
        XCTAssertEqual(try fail(guardian, from: "198.51.100.2"), [])
        XCTAssertEqual(try fail(guardian, from: "198.51.100.3"), [], "the first address fell out of the window")
        XCTAssertEqual(try fail(guardian, from: "198.51.100.4").bans.count, 3)
    }

    func testAddressHoldingLiveBindingsIsSparedWithOneAlert() throws {
        host.setBindings(50, from: "198.51.100.1")
        let guardian = try plugin(["max_failures": .int(3)])
        var decisions: [Decision] = []
        for _ in 0..<9 { decisions += try fail(guardian, from: "198.51.100.1") }
        XCTAssertEqual(decisions.bans, [], "an office NAT with 50 phones registered is not cut off")
        XCTAssertEqual(decisions.alerts.count, 1, "one alert per window")
        XCTAssertTrue(decisions.alerts.first?.message.contains("holds 50 live registrations") ?? false)

        let strict = try plugin(["max_failures": .int(3), "ban_registered_sources": .bool(true)])
        for _ in 0..<2 { _ = try fail(strict, from: "198.51.100.1") }
        XCTAssertEqual(try fail(strict, from: "198.51.100.1").banTargets, ["198.51.100.1"])
    }

    func testFailuresAgainstAnAccountTheAddressRegisteredDoNotCount() throws {
        let guardian = try plugin(["max_failures": .int(3)])
        _ = try guardian.handle(event(SecurityEventKind.registerAccepted, from: "192.0.2.10", at: host.now, aor: aor))
        for _ in 0..<10 { XCTAssertEqual(try fail(guardian, from: "192.0.2.10"), [], "its own phone with a stale password") }
        XCTAssertEqual(try fail(guardian, from: "192.0.2.10", aor: "sip:1002@example.com"), [])
        XCTAssertEqual(try fail(guardian, from: "192.0.2.10", aor: "sip:1003@example.com"), [])
        XCTAssertEqual(try fail(guardian, from: "192.0.2.10", aor: "sip:1004@example.com").banTargets, ["192.0.2.10"],
                       "guessing other accounts still counts")
    }

    func testTrustedAddressesAreIgnored() throws {
        host.trust(["192.0.2.0/24"])
        let guardian = try plugin(["max_failures": .int(1)])
        XCTAssertEqual(try fail(guardian, from: "192.0.2.99"), [])
        XCTAssertEqual(guardian.tracked.sources, 0)
    }

    func testLiftedBanCountsAfresh() throws {
        let guardian = try plugin(["max_failures": .int(2)])
        _ = try fail(guardian, from: "203.0.113.7")
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7").bans.count, 1)
        _ = try guardian.handle(event(SecurityEventKind.banRemoved, from: "203.0.113.7", at: host.now))
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7"), [])
        XCTAssertEqual(try fail(guardian, from: "203.0.113.7").bans.first?.seconds, 3600, "the offence history stays")
    }

    func testStateStaysBoundedUnderAMillionAddresses() throws {
        let guardian = try plugin(["max_tracked_sources": .int(20_000), "max_tracked_accounts": .int(5000)])
        var peak = (sources: 0, accounts: 0)
        for index in 0..<1_000_000 {
            let source = tenNet(index).description
            _ = try guardian.handle(event(
                SecurityEventKind.authUnknownUser, from: source, at: host.now, aor: "sip:u\(index)@example.com", username: "u\(index)"))
            host.advance(milliseconds: 1)
            if index % 1000 == 0 {
                _ = try guardian.tick(nowMilliseconds: host.now)
                let tracked = guardian.tracked
                peak = (max(peak.sources, tracked.sources), max(peak.accounts, tracked.accounts))
            }
        }
        XCTAssertLessThanOrEqual(peak.sources, 20_000)
        XCTAssertLessThanOrEqual(peak.accounts, 5000)
        host.advance(milliseconds: 3_600_000)
        _ = try guardian.tick(nowMilliseconds: host.now)
        XCTAssertEqual(guardian.tracked.sources, 0, "an hour later nothing is left")
        XCTAssertEqual(guardian.tracked.accounts, 0)
    }
}
