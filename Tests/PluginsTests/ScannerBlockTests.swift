@testable import ScannerBlock
import SIPWardenPolicy
import XCTest

final class ScannerBlockTests: XCTestCase {
    private var host = FakePolicyHost()

    override func setUp() {
        host = FakePolicyHost()
    }

    private func plugin(_ values: [String: PolicyValue] = [:]) throws -> ScannerBlockPlugin {
        try ScannerBlockPlugin(configuration: configuration("scanner", values), host: host)
    }

    func testKnownScannerUserAgentsAreBannedAtTheFirstEvent() throws {
        let userAgents = [
            "friendly-scanner", "sipvicious", "SIPVicious 0.3.4", "sipcli/v1.8", "VaxSIPUserAgent/3.1", "sundayddr",
            "pplsip", "iWar", "SIVuS 1.09", "smap 0.6.0", "sip-scan", "Friendly-Scanner",
        ]
        let kinds = [
            SecurityEventKind.authChallenged, SecurityEventKind.requestMalformed, SecurityEventKind.authFailed,
            SecurityEventKind.authUnknownUser,
        ]
        for (index, userAgent) in userAgents.enumerated() {
            let scanner = try plugin()
            let source = "203.0.113.\(index + 1)"
            let first = event(kinds[index % kinds.count], from: source, at: host.now, aor: "sip:100@example.com", userAgent: userAgent)
            let decisions = try scanner.handle(first)
            XCTAssertEqual(decisions.banTargets, [source], userAgent)
            XCTAssertEqual(decisions.bans.first?.seconds, 86_400, "a day by default")
            XCTAssertEqual(decisions.bans.first?.evidence, [first])
            XCTAssertEqual(decisions.reports.map(\.kind), [SecurityEventKind.scannerDetected])
            XCTAssertEqual(decisions.reports.first?.sourceIP, source)
            XCTAssertEqual(decisions.reports.first?.userAgent, userAgent)
            XCTAssertEqual(
                try scanner.handle(event(SecurityEventKind.authChallenged, from: source, at: host.now + 5, userAgent: userAgent)), [],
                "events in flight after the ban change nothing")
        }
    }

    func testAdminToolsAndRealPhonesAreNotBanned() throws {
        let scanner = try plugin()
        let userAgents = [
            "sipsak 0.9.8.1", "SIPp/3.7.3", "Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.11", "Yealink SIP-T46S 66.86.0.15",
            "Linphone/5.2.0 (belle-sip/5.2.0)", "Zoiper rv2.10.19.5", "PortSIP VoIP SDK 19.2", "MicroSIP/3.21.3",
            "Grandstream GXP2170 1.0.11.23", "SIPClient 2.0", "Polycom/5.9.5 PolycomVVX-VVX_411-UA/5.9.5", "Bria 6 release 6.5.3",
            "Cisco-CP8845/12.8.1", "Snom D785 10.1.73", "smapp-softphone 1.0",
        ]
        for (index, userAgent) in userAgents.enumerated() {
            XCTAssertEqual(
                try scanner.handle(event(SecurityEventKind.authChallenged, from: "192.0.2.\(index + 1)", at: host.now, userAgent: userAgent)),
                [], userAgent)
        }
    }

    func testSubstringMatchingAlsoFindsPatternsInsideWords() throws {
        XCTAssertEqual(
            try plugin().handle(event(SecurityEventKind.authChallenged, from: "192.0.2.1", at: host.now, userAgent: "SIPClient 2.0")), [],
            "whole-word matching by default: sipcli is not SIPClient")
        let substring = try plugin(["match": .string("substring")])
        XCTAssertEqual(
            try substring.handle(event(SecurityEventKind.authChallenged, from: "192.0.2.1", at: host.now, userAgent: "SIPClient 2.0"))
                .banTargets, ["192.0.2.1"])
    }

    func testConfiguredUserAgentsReplaceTheDefaults() throws {
        let scanner = try plugin(["user_agents": .list([.string("EvilDialer"), .string("sip scanner pro")])])
        XCTAssertEqual(
            try scanner.handle(event(SecurityEventKind.authChallenged, from: "192.0.2.1", at: host.now, userAgent: "evildialer/2")).banTargets,
            ["192.0.2.1"])
        XCTAssertEqual(
            try scanner.handle(event(SecurityEventKind.authChallenged, from: "192.0.2.2", at: host.now, userAgent: "Sip Scanner Pro")).banTargets,
            ["192.0.2.2"])
        XCTAssertEqual(
            try scanner.handle(event(SecurityEventKind.authChallenged, from: "192.0.2.3", at: host.now, userAgent: "friendly-scanner")), [],
            "the list replaces the defaults")
    }

    func testExtensionSweepIsBannedAtTheTenthDistinctUnknownUsername() throws {
        let scanner = try plugin()
        let source = "203.0.113.40"
        for user in 100..<109 {
            XCTAssertEqual(try scanner.handle(event(
                SecurityEventKind.authUnknownUser, from: source, at: host.now, aor: "sip:\(user)@example.com", username: "\(user)")), [])
            XCTAssertEqual(try scanner.handle(event(
                SecurityEventKind.authUnknownUser, from: source, at: host.now, aor: "sip:\(user)@example.com", username: "\(user)")), [],
                "the same username again is not another one")
            host.advance(milliseconds: 1000)
        }
        let decisions = try scanner.handle(event(
            SecurityEventKind.authUnknownUser, from: source, at: host.now, aor: "sip:109@example.com", username: "109"))
        XCTAssertEqual(decisions.banTargets, [source])
        XCTAssertEqual(decisions.bans.first?.evidence.count, 10)
        XCTAssertTrue(decisions.bans.first?.reason.hasPrefix("extension sweep: 10 unknown usernames") ?? false)
        XCTAssertEqual(decisions.reports.first?.detail, "extension_sweep: 10 usernames in 120s")
    }

    func testSlowSweepOutsideTheWindowIsNotASweep() throws {
        let scanner = try plugin(["sweep_usernames": .int(3), "sweep_window": .string("1m")])
        for user in 0..<10 {
            XCTAssertEqual(try scanner.handle(event(
                SecurityEventKind.authUnknownUser, from: "203.0.113.40", at: host.now, username: "u\(user)")), [])
            host.advance(milliseconds: 30_000)  // only two names in any minute
        }
    }

    func testAnOfficeComingBackAfterAnOutageIsNoSweep() throws {
        let scanner = try plugin()
        for phone in 0..<200 {  // 200 distinct AORs challenged from one NAT address in one second
            XCTAssertEqual(try scanner.handle(event(
                SecurityEventKind.authChallenged, from: "198.51.100.1", at: host.now, aor: "sip:\(2000 + phone)@example.com",
                userAgent: "Yealink SIP-T46S 66.86.0.15")), [])
        }
    }

    func testScannerBehindAnAddressWithLiveBindingsIsReportedNotBanned() throws {
        host.setBindings(40, from: "198.51.100.1")
        let scanner = try plugin()
        let first = try scanner.handle(event(SecurityEventKind.authChallenged, from: "198.51.100.1", at: host.now, userAgent: "friendly-scanner"))
        XCTAssertEqual(first.bans, [])
        XCTAssertEqual(first.reports.count, 1)
        XCTAssertEqual(first.alerts.count, 1)
        XCTAssertTrue(first.alerts.first?.message.contains("40 live registrations") ?? false)
        let second = try scanner.handle(event(SecurityEventKind.authChallenged, from: "198.51.100.1", at: host.now + 1, userAgent: "friendly-scanner"))
        XCTAssertEqual(second.alerts, [], "one alert per ban time")
        XCTAssertEqual(second.reports.count, 1)

        let strict = try plugin(["ban_registered_sources": .bool(true)])
        XCTAssertEqual(
            try strict.handle(event(SecurityEventKind.authChallenged, from: "198.51.100.1", at: host.now, userAgent: "friendly-scanner"))
                .banTargets, ["198.51.100.1"])
    }

    func testTrustedAddressesAndOwnReportsAreIgnored() throws {
        host.trust(["192.0.2.0/24"])
        let scanner = try plugin()
        XCTAssertEqual(try scanner.handle(event(SecurityEventKind.authChallenged, from: "192.0.2.8", at: host.now, userAgent: "sipvicious")), [])
        XCTAssertEqual(try scanner.handle(event(SecurityEventKind.scannerDetected, from: "203.0.113.9", at: host.now, userAgent: "sipvicious")), [],
                       "a report fed back by the host is not a new request")
    }

    func testLongUserAgentsAreSearchedOnlyAtTheirStart() throws {
        let scanner = try plugin()
        let padded = String(repeating: "x", count: 600) + " friendly-scanner"
        XCTAssertEqual(try scanner.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.9", at: host.now, userAgent: padded)), [])
        XCTAssertEqual(
            try scanner.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.9", at: host.now, userAgent: "friendly-scanner " + padded))
                .banTargets, ["203.0.113.9"])
    }

    func testSweepStateStaysBounded() throws {
        let scanner = try plugin(["max_tracked_sources": .int(4096)])
        var peak = 0
        for index in 0..<300_000 {
            _ = try scanner.handle(event(SecurityEventKind.authUnknownUser, from: tenNet(index).description, at: host.now, username: "u\(index)"))
            host.advance(milliseconds: 1)
            if index % 1000 == 0 {
                _ = try scanner.tick(nowMilliseconds: host.now)
                peak = max(peak, scanner.tracked.sweeps)
            }
        }
        XCTAssertLessThanOrEqual(peak, 4096)
        host.advance(milliseconds: 600_000)
        _ = try scanner.tick(nowMilliseconds: host.now)
        XCTAssertEqual(scanner.tracked.sweeps, 0)
    }

    // MARK: malformed traffic

    private func garbage(_ scanner: ScannerBlockPlugin, from source: String, count: Int, kind: String = SecurityEventKind.requestMalformed)
        throws -> [Decision]
    {
        var decisions: [Decision] = []
        for index in 0..<count {
            decisions += try scanner.handle(event(kind, from: source, at: host.now, port: 40_000 + index, detail: "bad start line"))
        }
        return decisions
    }

    func testTwentyMalformedMessagesWithinAMinuteBanForAnHour() throws {
        let scanner = try plugin()
        XCTAssertEqual(try garbage(scanner, from: "203.0.113.20", count: 19), [])
        host.advance(milliseconds: 59_000)
        let decisions = try garbage(scanner, from: "203.0.113.20", count: 1)
        XCTAssertEqual(decisions.banTargets, ["203.0.113.20"])
        let ban = try XCTUnwrap(decisions.bans.first)
        XCTAssertEqual(ban.seconds, 3600)
        XCTAssertEqual(ban.reason, "20 malformed messages within 60s")
        XCTAssertEqual(ban.evidence.count, 10, "the latest ten events are the evidence")
        XCTAssertEqual(ban.evidence.last?.sourcePort, 40_000)
        XCTAssertEqual(ban.evidence.allSatisfy { $0.kind == SecurityEventKind.requestMalformed }, true)
        XCTAssertEqual(decisions.reports.map(\.kind), [SecurityEventKind.scannerDetected])
        XCTAssertEqual(decisions.reports.first?.detail, "malformed: 20 messages in 60s")
        XCTAssertEqual(try garbage(scanner, from: "203.0.113.20", count: 50), [], "events in flight after the ban change nothing")
        XCTAssertEqual(scanner.tracked.garbage, 0)
    }

    func testJunkConnectionsCountLikeMalformedMessages() throws {
        let scanner = try plugin(["malformed_limit": .int(4)])
        XCTAssertEqual(try garbage(scanner, from: "203.0.113.21", count: 2, kind: SecurityEventKind.transportJunk), [])
        XCTAssertEqual(try garbage(scanner, from: "203.0.113.21", count: 2).banTargets, ["203.0.113.21"])
        XCTAssertEqual(
            try garbage(scanner, from: "203.0.113.22", count: 10, kind: SecurityEventKind.requestUnsupported), [],
            "other kinds do not count unless listed")
        let listed = try plugin(["malformed_limit": .int(3), "malformed_kinds": .list([.string("request.unsupported")])])
        XCTAssertEqual(try garbage(listed, from: "203.0.113.22", count: 3, kind: SecurityEventKind.requestUnsupported).banTargets, ["203.0.113.22"])
        XCTAssertEqual(try garbage(listed, from: "203.0.113.23", count: 10), [], "the list replaces the defaults")
    }

    func testMalformedMessagesSpreadOverMoreThanTheWindowDoNotBan() throws {
        let scanner = try plugin(["malformed_limit": .int(5), "malformed_window": .string("1m"), "malformed_ban_time": .string("2h")])
        for _ in 0..<30 {
            XCTAssertEqual(try garbage(scanner, from: "203.0.113.24", count: 1), [])
            host.advance(milliseconds: 15_000)
        }
        XCTAssertEqual(try garbage(scanner, from: "203.0.113.24", count: 4).bans.map(\.seconds), [7200])
    }

    func testMalformedTrafficFromTrustedOrRegisteredSourcesIsNotBanned() throws {
        host.trust(["192.0.2.0/24"])
        let scanner = try plugin(["malformed_limit": .int(3)])
        XCTAssertEqual(try garbage(scanner, from: "192.0.2.9", count: 30), [])
        XCTAssertEqual(scanner.tracked.garbage, 0, "trusted sources are not even counted")
        host.setBindings(12, from: "198.51.100.9")
        let decisions = try garbage(scanner, from: "198.51.100.9", count: 3)
        XCTAssertEqual(decisions.bans, [])
        XCTAssertEqual(decisions.alerts.count, 1, "an office with a broken phone gets an alert, not a ban")
        XCTAssertTrue(decisions.alerts.first?.message.contains("holds 12 live registrations") ?? false)
        XCTAssertEqual(try plugin(["malformed_limit": .int(0)]).handle(event(SecurityEventKind.requestMalformed, from: "203.0.113.1", at: host.now)), [])
    }

    func testMalformedStateStaysBounded() throws {
        let scanner = try plugin(["max_tracked_sources": .int(4096)])
        var peak = 0
        for index in 0..<200_000 {
            _ = try scanner.handle(event(SecurityEventKind.requestMalformed, from: tenNet(index).description, at: host.now))
            host.advance(milliseconds: 1)
            if index % 1000 == 0 {
                _ = try scanner.tick(nowMilliseconds: host.now)
                peak = max(peak, scanner.tracked.garbage)
            }
        }
        XCTAssertLessThanOrEqual(peak, 4096)
        XCTAssertGreaterThan(peak, 1000, "sources are tracked")
        host.advance(milliseconds: 120_000)
        _ = try scanner.tick(nowMilliseconds: host.now)
        XCTAssertEqual(scanner.tracked.garbage, 0, "forgotten once the window is past")
    }
}
