import Dispatch
@testable import HijackGuard
import SIPWardenPolicy
import XCTest

final class HijackGuardTests: XCTestCase {
    private var host = FakePolicyHost()

    override func setUp() {
        host = FakePolicyHost()
    }

    private func plugin(_ values: [String: PolicyValue] = [:]) throws -> HijackGuardPlugin {
        try HijackGuardPlugin(configuration: configuration("hijack", values), host: host)
    }

    /// What the host does with reports: records them (assigning ids from `firstID`) and hands
    /// them to every plugin, this one included; returns the decisions that came back.
    private func recordAndHandBack(_ reports: [SecurityEvent], to guardian: HijackGuardPlugin, firstID: UInt64) throws -> [Decision] {
        var decisions: [Decision] = []
        for (offset, report) in reports.enumerated() {
            var recorded = report
            recorded.id = firstID + UInt64(offset)
            decisions += try guardian.handle(recorded)
        }
        return decisions
    }

    private func attempt(aor: String = "sip:1001@example.com", from source: String, live: [String]) -> RegisterAttempt {
        RegisterAttempt(
            source: address(source), sourcePort: 5062, transport: "TCP", aor: aor, username: "1001", userAgent: "Zoiper rv2.10",
            contact: "<sip:1001@\(source):5062;transport=tcp>", liveBindingSources: live.map { address($0) }, allowedRanges: [],
            timeMilliseconds: host.now)
    }

    func testRegistrationFromANewSlash24IsReportedOnTheNextTick() throws {
        let guardian = try plugin()
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.20", live: ["192.0.2.10"])), .allow, "reported, not refused, by default")
        let decisions = try guardian.tick(nowMilliseconds: host.now + 1000)
        let report = try XCTUnwrap(decisions.reports.first)
        XCTAssertEqual(decisions.reports.count, 1)
        XCTAssertEqual(report.kind, SecurityEventKind.hijackSuspected)
        XCTAssertEqual(report.sourceIP, "198.51.100.20")
        XCTAssertEqual(report.sourcePort, 5062)
        XCTAssertEqual(report.transport, "TCP")
        XCTAssertEqual(report.aor, "sip:1001@example.com")
        XCTAssertEqual(report.contact, "<sip:1001@198.51.100.20:5062;transport=tcp>")
        XCTAssertEqual(report.timeMilliseconds, host.now)
        XCTAssertEqual(report.detail, "new network 198.51.100.0/24; live bindings from 192.0.2.10; accepted (refuse is false)")
        XCTAssertEqual(decisions.alerts, [], "the alert waits for the report to be recorded")
        let alerts = try recordAndHandBack([report], to: guardian, firstID: 4711).alerts
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(alerts.first?.evidence.map(\.id), [4711], "the alert names the recorded event")
        XCTAssertEqual(alerts.first?.evidence.first?.aor, "sip:1001@example.com")
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now + 2000), [], "reported once")
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now + 60_000), [], "and alerted once")
        XCTAssertEqual(guardian.tracked.awaiting, 0)
    }

    func testOtherEventsAndOtherPluginsReportsDoNotReleaseTheAlert() throws {
        let guardian = try plugin()
        _ = guardian.review(attempt(from: "198.51.100.20", live: ["192.0.2.10"]))
        let report = try XCTUnwrap(try guardian.tick(nowMilliseconds: host.now).reports.first)
        var forged = report
        forged.id = 9
        forged.aor = "sip:9999@example.com"
        XCTAssertEqual(try guardian.handle(forged), [], "another AOR's report is not this one")
        XCTAssertEqual(try guardian.handle(banEnded(SecurityEventKind.banRemoved, "198.51.100.20", at: host.now)), [])
        XCTAssertEqual(guardian.tracked.awaiting, 1)
        XCTAssertEqual(try recordAndHandBack([report], to: guardian, firstID: 10).alerts.first?.evidence.map(\.id), [10])
    }

    func testAReportNeverHandedBackIsStillAlertedOnAfterTheTimeout() throws {
        let guardian = try plugin()
        _ = guardian.review(attempt(from: "198.51.100.20", live: ["192.0.2.10"]))
        let report = try XCTUnwrap(try guardian.tick(nowMilliseconds: host.now).reports.first)
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now + HijackPolicy.echoTimeout - 1), [])
        let late = try guardian.tick(nowMilliseconds: host.now + HijackPolicy.echoTimeout)
        XCTAssertEqual(late.alerts.map(\.evidence), [[report]], "an alert is never lost (its evidence then has no id)")
        XCTAssertEqual(guardian.tracked.awaiting, 0)
    }

    func testSameSlash24NoLiveBindingsAndTrustedSourcesAreNotReported() throws {
        let guardian = try plugin()
        XCTAssertEqual(guardian.review(attempt(from: "192.0.2.99", live: ["192.0.2.10"])), .allow)
        XCTAssertEqual(guardian.review(attempt(from: "192.0.2.10", live: ["192.0.2.10", "203.0.113.1"])), .allow)
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.20", live: [])), .allow, "a first registration is not a hijack")
        host.trust(["203.0.113.0/24"])
        XCTAssertEqual(guardian.review(attempt(from: "203.0.113.50", live: ["192.0.2.10"])), .allow)
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now), [])
    }

    func testRefuseModeRefusesAndStillReports() throws {
        let guardian = try plugin(["refuse": .bool(true)])
        XCTAssertEqual(guardian.review(attempt(from: "198.51.100.20", live: ["192.0.2.10"])),
                       .refuse(status: 403, reason: "Registration from a new network refused"))
        XCTAssertEqual(guardian.review(attempt(from: "192.0.2.11", live: ["192.0.2.10"])), .allow)
        let decisions = try guardian.tick(nowMilliseconds: host.now)
        XCTAssertEqual(decisions.reports.count, 1)
        XCTAssertTrue(decisions.reports.first?.detail?.hasSuffix("; refused") ?? false)
    }

    func testIPv6NetworksAreSlash64() throws {
        let guardian = try plugin()
        XCTAssertEqual(guardian.review(attempt(from: "2001:db8:1:2::99", live: ["2001:db8:1:2::10"])), .allow)
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now), [])
        _ = guardian.review(attempt(from: "2001:db8:1:3::1", live: ["2001:db8:1:2::10"]))
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now).reports.first?.detail?.hasPrefix("new network 2001:db8:1:3::/64"), true)
        _ = guardian.review(attempt(aor: "sip:1002@example.com", from: "192.0.2.1", live: ["2001:db8:1:2::10"]))
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now).reports.count, 1, "another address family is another network")
    }

    func testPrefixLengthsAreConfigurable() throws {
        let guardian = try plugin(["ipv4_prefix": .int(16)])
        _ = guardian.review(attempt(from: "192.0.3.1", live: ["192.0.2.10"]))
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now), [], "the same /16")
        _ = guardian.review(attempt(from: "192.1.3.1", live: ["192.0.2.10"]))
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now).reports.first?.detail?.hasPrefix("new network 192.1.0.0/16"), true)
    }

    func testTheSameAORFromTheSameNewNetworkIsReportedOncePerRepeatAfter() throws {
        let guardian = try plugin(["repeat_after": .string("1h")])
        _ = guardian.review(attempt(from: "198.51.100.20", live: ["192.0.2.10"]))
        _ = guardian.review(attempt(from: "198.51.100.21", live: ["192.0.2.10"]))
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now).reports.count, 1)
        host.advance(milliseconds: 3_600_000)
        _ = guardian.review(attempt(from: "198.51.100.20", live: ["192.0.2.10"]))
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now).reports.count, 1, "an hour later it is reported again")
    }

    func testManySuspicionsInOneTickGetOneSummaryAlert() throws {
        let guardian = try plugin()
        for index in 0..<50 {
            _ = guardian.review(attempt(aor: "sip:\(1000 + index)@example.com", from: "198.51.100.\(index)", live: ["192.0.2.10"]))
        }
        let decisions = try guardian.tick(nowMilliseconds: host.now)
        XCTAssertEqual(decisions.reports.count, 50)
        XCTAssertEqual(decisions.alerts, [])
        let handedBack = try recordAndHandBack(decisions.reports, to: guardian, firstID: 100)
        XCTAssertEqual(handedBack.alerts.count, 1, "one summary once all 50 are recorded")
        XCTAssertEqual(handedBack.alerts.first?.evidence.map(\.id), Array(100..<120))
        let quiet = try plugin(["alert": .bool(false)])
        _ = quiet.review(attempt(from: "198.51.100.20", live: ["192.0.2.10"]))
        XCTAssertEqual(try quiet.tick(nowMilliseconds: host.now).alerts, [])
        XCTAssertEqual(quiet.tracked.awaiting, 0)
    }

    func testPendingReportsAndMemoryStayBounded() throws {
        let guardian = try plugin()
        for index in 0..<100_000 {
            _ = guardian.review(attempt(aor: "sip:\(index)@example.com", from: tenNet(index).description, live: ["192.0.2.10"]))
        }
        XCTAssertEqual(guardian.tracked.pending, 1000, "the queue holds a thousand reports between ticks")
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now).reports.count, 1000)
        for index in 0..<100_000 {
            host.advance(milliseconds: 1)
            _ = guardian.review(attempt(aor: "sip:\(index)@example.com", from: tenNet(index + 200_000).description, live: ["192.0.2.10"]))
            if index % 500 == 0 { _ = try guardian.tick(nowMilliseconds: host.now) }
        }
        XCTAssertLessThanOrEqual(guardian.tracked.reported, 50_000)
    }

    func testReviewsFromManyThreadsAreAllQueued() throws {
        let guardian = try plugin()
        let attempts = (0..<8).map { thread in
            (0..<100).map { attempt(aor: "sip:\(thread)-\($0)@example.com", from: "198.51.100.1", live: ["192.0.2.10"]) }
        }
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for attempt in attempts[thread] { _ = guardian.review(attempt) }
        }
        XCTAssertEqual(try guardian.tick(nowMilliseconds: host.now).reports.count, 800)
    }
}
