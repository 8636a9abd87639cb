import Dispatch
@testable import RateLimit
import SIPWardenPolicy
import XCTest

final class RateLimitTests: XCTestCase {
    private var host = FakePolicyHost()

    override func setUp() {
        host = FakePolicyHost()
    }

    private func plugin(_ values: [String: PolicyValue] = [:]) throws -> RateLimitPlugin {
        try RateLimitPlugin(configuration: configuration("ratelimit", values), host: host)
    }

    private func packet(_ source: String, port: Int = 5060) -> PacketInfo {
        PacketInfo(source: address(source), sourcePort: port, transport: "UDP", size: 600)
    }

    /// Sends `count` packets from `source` at the current time; returns how many were accepted.
    private func send(_ count: Int, from source: String, to plugin: RateLimitPlugin) -> Int {
        let info = packet(source)
        return (0..<count).reduce(0) { accepted, _ in accepted + (plugin.admit(info) == .accept ? 1 : 0) }
    }

    func testUnknownSourceGetsItsBurstThenTheRate() throws {
        let limiter = try plugin()
        XCTAssertTrue(limiter.wantsAdmission)
        XCTAssertEqual(send(100, from: "203.0.113.9", to: limiter), 100, "the default burst is 100 packets")
        XCTAssertEqual(limiter.admit(packet("203.0.113.9")), .drop)
        host.advance(milliseconds: 1000)
        XCTAssertEqual(send(50, from: "203.0.113.9", to: limiter), 20, "then 20 packets per second")
        XCTAssertEqual(send(100, from: "203.0.113.10", to: limiter), 100, "another address has its own budget")
    }

    func testRejectModeAnswers503WithRetryAfter() throws {
        let limiter = try plugin(["over_limit": .string("reject"), "retry_after": .string("45s"), "burst": .int(5)])
        XCTAssertEqual(send(5, from: "203.0.113.9", to: limiter), 5)
        XCTAssertEqual(limiter.admit(packet("203.0.113.9")), .reject(retryAfterSeconds: 45))
    }

    func testTwoHundredPhonesBehindOneNATAreNotLimitedWhileAFlooderIs() throws {
        let limiter = try plugin()
        let office = "198.51.100.1"
        host.setBindings(200, from: office)
        // After an outage every phone re-registers in the same second: REGISTER, 401, REGISTER
        // with credentials, and a SUBSCRIBE or two, from one NAT address.
        XCTAssertEqual(send(200 * 4, from: office, to: limiter), 800, "no packet of the office is dropped")
        for phone in 0..<200 {
            let aor = "sip:\(2000 + phone)@example.com"
            for kind in [SecurityEventKind.authChallenged, SecurityEventKind.registerRefreshed] {
                XCTAssertEqual(try limiter.handle(event(kind, from: office, at: host.now, aor: aor, username: "\(2000 + phone)")), [])
            }
        }
        XCTAssertLessThan(send(1000, from: "203.0.113.66", to: limiter), 1000, "the unknown flooder is limited")
        let decisions = try limiter.tick(nowMilliseconds: host.now)
        XCTAssertEqual(decisions.reports.map(\.sourceIP), ["203.0.113.66"], "only the flooder is reported")
        XCTAssertEqual(decisions.reports.first?.kind, SecurityEventKind.rateExceeded)
        XCTAssertEqual(decisions.bans, [])
    }

    func testNewRegistrationsWidenTheBudgetOfTheirAddress() throws {
        let limiter = try plugin(["burst": .int(10), "per_binding_burst": .int(10)])
        let office = "198.51.100.1"
        XCTAssertEqual(send(10, from: office, to: limiter), 10)
        host.setBindings(5, from: office)
        XCTAssertEqual(send(100, from: office, to: limiter), 50, "five phones registered: fifty more packets at once")
        host.setBindings(20, from: office)
        XCTAssertEqual(send(100, from: office, to: limiter), 0, "the count is asked again only after a second")
        host.advance(milliseconds: 1000)
        XCTAssertEqual(send(200, from: office, to: limiter), 20 + 5 + 150, "refill at 20+5/s, and 150 for the new bindings")
    }

    func testTrustedSourcesAreNeverLimited() throws {
        let limiter = try plugin(["burst": .int(1)])
        host.trust(["192.0.2.0/24"])
        XCTAssertEqual(send(10_000, from: "192.0.2.5", to: limiter), 10_000)
        XCTAssertEqual(try limiter.tick(nowMilliseconds: host.now), [])
    }

    func testExcessIsReportedOncePerWindowAndSustainedExcessIsBanned() throws {
        let limiter = try plugin(["window": .string("10s"), "ban_after_windows": .int(6), "ban_within": .string("5m"),
                                  "ban_time": .string("30m")])
        var reports: [Int] = []
        var banAt: Int?
        var ban: BanRequest?
        for second in 0..<80 {
            _ = send(200, from: "203.0.113.66", to: limiter)
            let decisions = try limiter.tick(nowMilliseconds: host.now)
            if !decisions.reports.isEmpty { reports.append(second) }
            if let request = decisions.bans.first {
                XCTAssertNil(banAt, "banned once")
                banAt = second
                ban = request
            }
            host.advance(milliseconds: 1000)
        }
        XCTAssertEqual(reports, [0, 10, 20, 30, 40, 50], "one report per 10 s window, none while banned")
        XCTAssertEqual(banAt, 50, "banned in the sixth window over budget")
        XCTAssertEqual(ban?.target.description, "203.0.113.66")
        XCTAssertEqual(ban?.seconds, 1800)
        XCTAssertEqual(ban?.evidence.count, 6, "the six reports are the evidence")
        XCTAssertEqual(ban?.evidence.allSatisfy { $0.kind == SecurityEventKind.rateExceeded }, true)
        XCTAssertTrue(ban?.reason.contains("sustained flood") ?? false, ban?.reason ?? "")
    }

    func testBanEvidenceNamesTheReportsTheHostRecorded() throws {
        let limiter = try plugin(["window": .string("10s"), "ban_after_windows": .int(3), "ban_within": .string("1m")])
        var nextID: UInt64 = 500
        var ban: BanRequest?
        for _ in 0..<30 {
            _ = send(200, from: "203.0.113.66", to: limiter)
            let decisions = try limiter.tick(nowMilliseconds: host.now)
            if let request = decisions.bans.first { ban = request }
            for report in decisions.reports {  // as the host does: record, number, hand back to every plugin
                var recorded = report
                recorded.id = nextID
                nextID += 1
                XCTAssertEqual(try limiter.handle(recorded), [])
            }
            host.advance(milliseconds: 1000)
        }
        XCTAssertEqual(ban?.evidence.map(\.id), [500, 501, 0], "the report made with the ban cannot have been recorded yet")
    }

    func testExcessInScatteredWindowsIsNotBanned() throws {
        let limiter = try plugin(["window": .string("10s"), "ban_after_windows": .int(3), "ban_within": .string("1m")])
        var decisions: [Decision] = []
        for _ in 0..<6 {  // one burst every 40 s: never three windows within a minute
            _ = send(200, from: "203.0.113.66", to: limiter)
            decisions += try limiter.tick(nowMilliseconds: host.now)
            host.advance(milliseconds: 40_000)
        }
        XCTAssertEqual(decisions.reports.count, 6)
        XCTAssertEqual(decisions.bans, [])
    }

    func testSourceHoldingLiveBindingsGetsAnAlertInsteadOfABan() throws {
        let values: [String: PolicyValue] = ["window": .string("1s"), "ban_after_windows": .int(3), "ban_within": .string("10s")]
        host.setBindings(2, from: "198.51.100.1")
        for banRegistered in [false, true] {
            var settings = values
            settings["ban_registered_sources"] = .bool(banRegistered)
            let limiter = try plugin(settings)
            var decisions: [Decision] = []
            for _ in 0..<3 {
                _ = send(1000, from: "198.51.100.1", to: limiter)
                decisions += try limiter.tick(nowMilliseconds: host.now)
                host.advance(milliseconds: 1000)
            }
            XCTAssertEqual(decisions.reports.count, 3)
            if banRegistered {
                XCTAssertEqual(decisions.banTargets, ["198.51.100.1"])
                XCTAssertEqual(decisions.alerts, [])
            } else {
                XCTAssertEqual(decisions.bans, [])
                XCTAssertEqual(decisions.alerts.count, 1)
                XCTAssertTrue(decisions.alerts.first?.message.contains("2 live registrations") ?? false)
            }
        }
    }

    func testRegisterRequestsPerAORArePerSourceAndAOR() throws {
        let limiter = try plugin(["aor_burst": .int(10), "aor_requests_per_minute": .int(30)])
        let aor = "sip:1001@example.com"
        for _ in 0..<10 {
            XCTAssertEqual(try limiter.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.5", at: host.now, aor: aor)), [])
        }
        let over = try limiter.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.5", at: host.now, aor: aor))
        XCTAssertEqual(over.reports.count, 1)
        XCTAssertEqual(over.reports.first?.aor, aor)
        XCTAssertEqual(over.reports.first?.kind, SecurityEventKind.rateExceeded)
        XCTAssertEqual(
            try limiter.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.5", at: host.now, aor: aor)), [],
            "reported once per window")
        XCTAssertEqual(
            try limiter.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.5", at: host.now, aor: "sip:1002@example.com")),
            [], "another AOR from the same address has its own budget")
        XCTAssertEqual(
            try limiter.handle(event(SecurityEventKind.authChallenged, from: "203.0.113.6", at: host.now, aor: aor)), [],
            "the same AOR from another address has its own budget")
        XCTAssertEqual(
            try limiter.handle(event(SecurityEventKind.requestMalformed, from: "203.0.113.5", at: host.now, aor: aor)), [],
            "not a REGISTER kind: not charged")
        host.advance(milliseconds: 2000)
        XCTAssertEqual(
            try limiter.handle(event(SecurityEventKind.registerAccepted, from: "203.0.113.5", at: host.now, aor: aor)), [],
            "30 per minute refills one request every two seconds")
    }

    func testConcurrentAdmissionNeverGrantsMoreThanTheBudget() throws {
        let limiter = try plugin(["burst": .int(100)])
        let shared = packet("203.0.113.9")
        let counts = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var accepted = 0
            for index in 0..<10_000 {
                if limiter.admit(shared) == .accept { accepted += 1 }
                _ = limiter.admit(PacketInfo(source: tenNet(thread * 10_000 + index), sourcePort: 5060, transport: "UDP", size: 1))
            }
            counts.add(accepted)
        }
        XCTAssertEqual(counts.value, 100, "the clock stands still: exactly the burst gets through, whatever the threads")
    }

    func testAdmissionTableStaysBoundedUnderAMillionSources() throws {
        let limiter = try plugin(["max_sources": .int(16_384)])
        var peak = 0
        for index in 0..<1_000_000 {
            _ = limiter.admit(PacketInfo(source: tenNet(index), sourcePort: 5060, transport: "UDP", size: 1))
            host.advance(milliseconds: 1)
            if index % 1000 == 999 {
                _ = try limiter.tick(nowMilliseconds: host.now)
                peak = max(peak, limiter.trackedSources)
            }
        }
        XCTAssertLessThanOrEqual(peak, 16_384)
        XCTAssertGreaterThan(peak, 1000, "sources are tracked at all")
        host.advance(milliseconds: 60_000)
        for _ in 0..<16 { _ = try limiter.tick(nowMilliseconds: host.now) }
        XCTAssertEqual(limiter.trackedSources, 0, "idle full buckets are all evicted after a round of sweeps")
    }

    func testFullTableStillAdmitsRegisteredSourcesAndLimitsNewcomersTogether() throws {
        let limiter = try plugin(["max_sources": .int(1024), "burst": .int(10)])
        // 1024 busy sources fill the table at one instant: nothing is idle, nothing can go.
        for index in 0..<5000 {
            _ = limiter.admit(PacketInfo(source: tenNet(index), sourcePort: 5060, transport: "UDP", size: 1))
        }
        XCTAssertLessThanOrEqual(limiter.trackedSources, 1024)
        host.setBindings(3, from: "198.51.100.1")
        XCTAssertEqual(send(50, from: "198.51.100.1", to: limiter), 50, "a source with live bindings is let through")
        XCTAssertLessThan(send(50, from: "203.0.113.50", to: limiter), 50, "unknown newcomers share one small budget")
    }

    func testAORBudgetsStayBounded() throws {
        let limiter = try plugin(["max_aor_budgets": .int(2048)])
        for index in 0..<200_000 {
            _ = try limiter.handle(event(
                SecurityEventKind.authChallenged, from: tenNet(index).description, at: host.now, aor: "sip:\(index)@example.com"))
            host.advance(milliseconds: 1)
            if index % 1000 == 0 { _ = try limiter.tick(nowMilliseconds: host.now) }
        }
        XCTAssertLessThanOrEqual(limiter.trackedAORBudgets, 2048)
        XCTAssertEqual(limiter.trackedOffenders, 0)
    }
}

/// A thread-safe sum for the concurrency test.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ value: Int) { lock.withLock { total += value } }
    var value: Int { lock.withLock { total } }
}
