import ControlAPI
import Foundation
import XCTest

/// The analysis and trunks pages over real TCP against the fake control service: what they
/// show comes from the service's answers, the SVG charts are there and escaped, and the trunk
/// actions need the CSRF token and an admin.
extension ConsoleServerTests {
    private func figuresWithHostileText() -> AnalysisFigures {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        var figures = AnalysisFigures()
        figures.trend = TrendReport(step: .hour, since: start, until: start.addingTimeInterval(3 * 3600), points: [
            TrendPoint(startMilliseconds: 1_780_000_000_000, activeBindings: 40, registrations: 7, refreshes: 30, removals: 1, failures: 3,
                       failuresByKind: ["auth.failed": 3], distinctSources: 5, peakPerSecond: 2),
            TrendPoint(startMilliseconds: 1_780_003_600_000, activeBindings: nil, registrations: 11, refreshes: 31, removals: 0, failures: 913,
                       failuresByKind: ["auth.failed": 913], distinctSources: 9, peakPerSecond: 4),
        ])
        figures.devices = DeviceReport(since: start, devicesFile: "/etc/sipwarden/devices.yaml", note: nil, devices: [
            DeviceRow(vendor: "Yealink", model: "T46U", firmware: "108.86", liveBindings: 27, liveAORs: 25, aors: 30, example: "Yealink SIP-T46U 108.86"),
            DeviceRow(vendor: "<script>alert(1)</script>", model: "", firmware: "", liveBindings: 4, liveAORs: 4, aors: 4, example: "\"><svg onload=x>"),
        ])
        figures.geo = GeoReport(since: start, database: nil, databaseType: nil,
                                note: "no GeoIP database: set geoip.database to a MaxMind .mmdb file", bindings: [
                                    GeoRow(code: "private", name: "private network", count: 31, distinct: 29),
                                ], failures: [GeoRow(code: "unknown", name: "not in the database", count: 913, distinct: 9)])
        figures.failures = [FailureGroup(user: "1001<b>", sourceIP: "203.0.113.9", reason: "wrong password", kind: "auth.failed", count: 913,
                                         firstSeen: start, lastSeen: start.addingTimeInterval(60), userAgent: "friendly-scanner")]
        figures.alerts = AlertsReport(enabled: true, states: [
            AlertStateInfo(alert: "failures_spike", raised: true, since: "2026-05-28T21:00:00Z", observed: 913, expected: 4, deviation: 2, basis: "21:00-22:00 on any day"),
        ], events: [AlertInfo(time: start.addingTimeInterval(120), event: "alert.raised", source: "alerts", severity: "critical",
                              message: "failures 913, expected 4 ± 2 & <rising>")], webhook: nil)
        return figures
    }

    func testTheAnalysisPageShowsTheServicesFiguresAsEscapedSVGCharts() throws {
        service.analysis.withLock { $0 = figuresWithHostileText() }
        let session = try cookie(try login("vic", "vic-password"))
        let page = try HTTPTestExchange.send(port: port, method: "GET", path: "/analysis?since=24h&step=1h", cookie: session)
        XCTAssertEqual(page.status, 200, page.body)
        let body = page.body
        for id in ["trend-chart", "bindings-chart", "devices-chart", "geo-bindings-chart", "geo-failures-chart"] {
            XCTAssertTrue(body.contains("<svg class=\"chart\" id=\"\(id)\""), "chart \(id) missing")
        }
        XCTAssertTrue(body.contains("<polyline points="), "the trend is drawn as a line")
        XCTAssertTrue(body.contains(">913</td>"), "the failure count of the second step and of the failure group")
        XCTAssertTrue(body.contains("Yealink T46U 108.86"), "the device's bar label")
        XCTAssertFalse(body.contains("<script>alert(1)"), "a vendor name is escaped")
        XCTAssertFalse(body.contains("<svg onload"), "a User-Agent is escaped")
        XCTAssertTrue(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(body.contains("1001&lt;b&gt;"))
        XCTAssertTrue(body.contains("no GeoIP database: set geoip.database to a MaxMind .mmdb file"), "the CLI's note on configuring GeoIP")
        XCTAssertTrue(body.contains("private network"))
        XCTAssertTrue(body.contains("failures 913, expected 4 ± 2 &amp; &lt;rising&gt;"), "the alert event, escaped")
        XCTAssertTrue(body.contains("<strong class=\"problem\">raised</strong>"), "the raised alert's state")
        XCTAssertTrue(body.contains("<option value=\"24h\" selected>"), "the selector keeps the window")
        let queries = service.analysisQueries.withLock { $0 }
        let trend = try XCTUnwrap(queries.first { $0.0 == "trend" }?.1)
        XCTAssertEqual(trend.since, "24h")
        XCTAssertEqual(trend.step, .hour)
        XCTAssertEqual(queries.first { $0.0 == "devices" }?.1.since, "24h", "the window applies to every section")
        XCTAssertNil(queries.first { $0.0 == "devices" }?.1.step, "step goes to the trend only")
    }

    func testTheAnalysisPageSaysPlainlyThatTheHistoryIsDisabledAndRefusesABadStep() throws {
        var figures = figuresWithHostileText()
        figures.historyDisabled = true
        service.analysis.withLock { $0 = figures }
        let session = try cookie(try login("alice", "alice-password"))
        let page = try HTTPTestExchange.send(port: port, method: "GET", path: "/analysis", cookie: session)
        XCTAssertEqual(page.status, 200, page.body)
        XCTAssertTrue(page.body.contains("The registration history is disabled, so there is nothing to show here"), page.body)
        XCTAssertTrue(page.body.contains("set history.enabled: true"), "the daemon's hint")
        XCTAssertFalse(page.body.contains("id=\"trend-chart\""))
        XCTAssertTrue(page.body.contains("id=\"devices-chart\""), "devices work without the history")
        let bad = try HTTPTestExchange.send(port: port, method: "GET", path: "/analysis?step=5m", cookie: session)
        XCTAssertEqual(bad.status, 400)
        XCTAssertTrue(bad.body.contains("step &#39;5m&#39;: give one of 1m, 1h, 1d"), bad.body)
    }

    private func sampleTrunks() -> [TrunkInfo] {
        var up = TrunkInfo(name: "carrier-a", origin: "config", registrar: "sip.carrier.example", username: "4930111", state: "registered")
        up.grantedExpires = 600
        up.expiresAt = "2026-12-02T03:00:00Z"
        up.nextAttempt = "2026-12-02T02:55:00Z"
        up.lastSuccess = "2026-12-02T02:45:00Z"
        up.contact = "sip:4930111@192.0.2.10:5060"
        up.publicAddress = "198.51.100.20:40000"
        var down = TrunkInfo(name: "backup<x>", origin: "operator", registrar: "sip.other.example", username: "u2", state: "retrying")
        down.lastFailure = "2026-12-02T02:40:00Z"
        down.lastFailureCode = 403
        down.lastFailureReason = "Forbidden"
        down.consecutiveFailures = 4
        down.nextAttempt = "2026-12-02T02:50:00Z"
        var off = TrunkInfo(name: "spare", origin: "operator", registrar: "sip.spare.example", username: "u3", enabled: false, state: "disabled")
        off.consecutiveFailures = 0
        return [up, down, off]
    }

    func testTheTrunksPageShowsEachTrunksStateAndOffersActionsToAdminsOnly() throws {
        service.trunkList.withLock { $0 = sampleTrunks() }
        let admin = try HTTPTestExchange.send(port: port, method: "GET", path: "/trunks", cookie: try cookie(try login("alice", "alice-password")))
        XCTAssertEqual(admin.status, 200, admin.body)
        for text in ["carrier-a", "registered", "10m 00s", "2026-12-02T02:55:00Z", "2026-12-02T02:45:00Z", "sip:4930111@192.0.2.10:5060",
                     "198.51.100.20:40000", "403 Forbidden", ">4</td>", "backup&lt;x&gt;", "retrying", "disabled"] {
            XCTAssertTrue(admin.body.contains(text), "\(text) missing from the trunks page")
        }
        XCTAssertFalse(admin.body.contains("backup<x>"), "names are escaped")
        XCTAssertFalse(admin.body.lowercased().contains("password"), "no password field or column")
        XCTAssertTrue(admin.body.contains("href=\"/trunks/disable?name=carrier-a\""), "disable goes through a confirmation")
        XCTAssertTrue(admin.body.contains("action=\"/trunks/refresh\""))
        XCTAssertTrue(admin.body.contains("action=\"/trunks/enable\""), "the disabled trunk can be enabled")
        let viewer = try HTTPTestExchange.send(port: port, method: "GET", path: "/trunks", cookie: try cookie(try login("vic", "vic-password")))
        XCTAssertEqual(viewer.status, 200)
        XCTAssertTrue(viewer.body.contains("403 Forbidden"))
        XCTAssertFalse(viewer.body.contains("action=\"/trunks/"), "a viewer gets no trunk buttons")
    }

    func testATrunkActionNeedsTheCSRFTokenAndAnAdminAndReachesTheServiceAsTheConsoleUser() throws {
        service.trunkList.withLock { $0 = sampleTrunks() }
        let viewer = try cookie(try login("vic", "vic-password"))
        let viewerToken = try csrf(try HTTPTestExchange.send(port: port, method: "GET", path: "/trunks", cookie: viewer).body)
        let refused = try HTTPTestExchange.send(port: port, method: "POST", path: "/trunks/disable", form: "name=carrier-a&csrf=\(viewerToken)", cookie: viewer)
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(refused.body.contains("is a viewer"), refused.body)

        let admin = try cookie(try login("alice", "alice-password"))
        let confirmation = try HTTPTestExchange.send(port: port, method: "GET", path: "/trunks/disable?name=carrier-a", cookie: admin)
        XCTAssertEqual(confirmation.status, 200)
        XCTAssertTrue(confirmation.body.contains("Disable the trunk carrier-a?"), confirmation.body)
        XCTAssertTrue(confirmation.body.contains("<form method=\"post\" action=\"/trunks/disable\">"))
        let token = try csrf(confirmation.body)
        let forged = try HTTPTestExchange.send(port: port, method: "POST", path: "/trunks/disable", form: "name=carrier-a", cookie: admin)
        XCTAssertEqual(forged.status, 403)
        let stale = try HTTPTestExchange.send(port: port, method: "POST", path: "/trunks/refresh", form: "name=carrier-a&csrf=\(viewerToken)", cookie: admin)
        XCTAssertEqual(stale.status, 403, "another session's token is refused")
        XCTAssertTrue(service.trunkCommands.withLock { $0.isEmpty }, "nothing reached the service yet")

        let done = try HTTPTestExchange.send(port: port, method: "POST", path: "/trunks/disable", form: "name=carrier-a&csrf=\(token)", cookie: admin)
        XCTAssertEqual(done.status, 303, done.body)
        XCTAssertEqual(done.header("location"), "/trunks")
        let after = try HTTPTestExchange.send(port: port, method: "GET", path: "/trunks", cookie: admin)
        XCTAssertTrue(after.body.contains("Disabled trunk carrier-a (now disabled)."), "the flash says what happened")
        let unknown = try HTTPTestExchange.send(port: port, method: "POST", path: "/trunks/refresh", form: "name=nope&csrf=\(token)", cookie: admin)
        XCTAssertEqual(unknown.status, 404, "an unknown trunk is the daemon's 404, shown")
        let commands = service.trunkCommands.withLock { $0 }
        XCTAssertEqual(commands.map(\.0), ["carrier-a", "nope"])
        XCTAssertEqual(commands.map(\.1), [.disable, .refresh])
        XCTAssertEqual(commands.first?.2, "console alice", "the control caller is the console user")
    }
}
