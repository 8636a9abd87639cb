import ControlAPI
import Foundation
import XCTest

/// The registration history against the real daemon: registrations, refreshes, failures,
/// force-unregisters and lapses appear in `sipwardenctl history` with their times, the filters
/// combine, and everything survives a security-log rotation and a daemon restart;
/// `registrations show` reads the history, `analysis trend|failures` and `stats` report from it.
final class HistoryEndToEndTests: XCTestCase {
    private static let yaml = """
        registrar:
          min_expires: 2
          expired_retention: 600
        """

    private func milliseconds(_ date: Date = Date()) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    private func history(_ daemon: DaemonProcess, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try RegistrationTestSupport.jsonArray(daemon, ["history", "--json"] + arguments, file: file, line: line)
    }

    private func kinds(_ rows: [[String: Any]]) -> [String] { rows.compactMap { $0["kind"] as? String } }

    func testEventsAppearWithTheirTimesAndSurviveRotationAndRestart() throws {
        let daemon = try RegistrationTestSupport.startDaemon("history", yaml: Self.yaml)
        defer { daemon.stop() }
        _ = try daemon.ctlOK(["subscriber", "add", "1001", "--password", "pw1001", "--account", "acme"])
        _ = try daemon.ctlOK(["subscriber", "add", "1002", "--password", "pw1002"])
        let port = daemon.port
        let phone1 = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: port)
        let phone2 = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: port)

        // A registration, a refresh, a wrong password, an unknown user, a short binding that lapses.
        let beforeRegister = milliseconds()
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "pw1001", client: phone1, port: port, userAgent: "Yealink SIP-T46S 66.86.0.15"), 200)
        let afterRegister = milliseconds()
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "pw1001", client: phone1, port: port, userAgent: "Yealink SIP-T46S 66.86.0.15"), 200)
        XCTAssertEqual(try RegistrationTestSupport.register("1002", password: "wrong", client: phone2, port: port, userAgent: "Zoiper rv2.10.19.5"), 401)
        XCTAssertEqual(try RegistrationTestSupport.register("9999", password: "guess", client: phone2, port: port, userAgent: "Zoiper rv2.10.19.5"), 401)
        XCTAssertEqual(try RegistrationTestSupport.register("1002", password: "pw1002", client: phone2, port: port, userAgent: "Grandstream GXP2170", expires: 2), 200)

        XCTAssertTrue(try TestEnvironment.eventually(15) {
            kinds(try history(daemon, ["--aor", "sip:1002@127.0.0.1"])).contains("register.expired")
        }, "the 2-second binding lapses into the history:\n\((try? daemon.ctl(["history"]).stdout) ?? "")")

        // A force-unregister.
        let beforeForce = milliseconds()
        _ = try daemon.ctlOK(["registrations", "unregister", "sip:1001@127.0.0.1"])
        let afterForce = milliseconds()
        XCTAssertTrue(try TestEnvironment.eventually { kinds(try history(daemon, ["--kind", "register.forced_out"])).count == 1 })

        let mine = try history(daemon, ["--aor", "sip:1001@127.0.0.1"])
        XCTAssertEqual(kinds(mine), ["register.forced_out", "register.refreshed", "register.accepted"], "newest first")
        let accepted = try XCTUnwrap(mine.last)
        let acceptedAt = try XCTUnwrap(accepted["time_ms"] as? Int64 ?? (accepted["time_ms"] as? NSNumber)?.int64Value)
        XCTAssertTrue((beforeRegister...afterRegister).contains(acceptedAt), "\(acceptedAt) within the REGISTER's round trip \(beforeRegister)...\(afterRegister)")
        XCTAssertEqual(accepted["time"] as? String, RFC3339.format(epochSeconds: acceptedAt / 1000))
        XCTAssertEqual(accepted["source_ip"] as? String, "127.0.0.2")
        XCTAssertEqual((accepted["source_port"] as? NSNumber)?.intValue, phone1.localPort)
        XCTAssertEqual(accepted["transport"] as? String, "UDP")
        XCTAssertEqual(accepted["user_agent"] as? String, "Yealink SIP-T46S 66.86.0.15")
        XCTAssertEqual(accepted["account"] as? String, "acme")
        XCTAssertEqual(accepted["number"] as? String, "1001")
        let forced = try XCTUnwrap(mine.first)
        let forcedAt = try XCTUnwrap((forced["time_ms"] as? NSNumber)?.int64Value)
        XCTAssertTrue((beforeForce...afterForce).contains(forcedAt), "\(forcedAt) within \(beforeForce)...\(afterForce)")

        // Filters combine.
        XCTAssertEqual(kinds(try history(daemon, ["--ip", "127.0.0.3", "--kind", "auth.*"])), ["auth.unknown_user", "auth.failed"])
        XCTAssertEqual(try history(daemon, ["--ip", "127.0.0.3", "--kind", "auth.failed"]).compactMap { $0["username"] as? String }, ["1002"])
        XCTAssertEqual(kinds(try history(daemon, ["--number", "1002", "--kind", "register.accepted", "--kind", "register.expired"])),
                       ["register.expired", "register.accepted"])
        XCTAssertEqual(Set(kinds(try history(daemon, ["--account", "acme"]))), ["register.accepted", "register.refreshed", "register.forced_out"])
        XCTAssertEqual(try history(daemon, ["--account", "acme", "--ip", "127.0.0.3"]).count, 0, "acme's phone is at 127.0.0.2")
        XCTAssertEqual(try history(daemon, ["--since", "1h", "--limit", "2"]).count, 2)
        XCTAssertEqual(try history(daemon, ["--until", RFC3339.format(epochSeconds: beforeRegister / 1000 - 1)]).count, 0, "nothing before the first REGISTER")
        let csv = RegistrationTestSupport.parseCSV(try daemon.ctlOK(["history", "--csv", "--aor", "sip:1001@127.0.0.1"]))
        XCTAssertEqual(csv.first?.prefix(4), ["id", "time", "time_ms", "kind"])
        XCTAssertEqual(csv.count, 4, "a header and three events")

        // The failed-registration log.
        let failures = try RegistrationTestSupport.jsonArray(daemon, ["analysis", "failures", "--json"])
        let wrong = try XCTUnwrap(failures.first { $0["reason"] as? String == "wrong password" }, "\(failures)")
        XCTAssertEqual(wrong["user"] as? String, "1002")
        XCTAssertEqual(wrong["source_ip"] as? String, "127.0.0.3")
        XCTAssertEqual((wrong["count"] as? NSNumber)?.intValue, 1)
        XCTAssertEqual(wrong["user_agent"] as? String, "Zoiper rv2.10.19.5")
        XCTAssertTrue(failures.contains { $0["reason"] as? String == "unknown user" && $0["user"] as? String == "9999" }, "\(failures)")
        XCTAssertTrue(try daemon.ctlOK(["analysis", "failures"]).contains("wrong password"))

        // The trend of this minute (or two, if the test straddled a minute).
        let trend = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["analysis", "trend", "--since", "1h", "--step", "1m", "--json"]).utf8)) as? [String: Any])
        let points = try XCTUnwrap(trend["points"] as? [[String: Any]])
        func total(_ key: String) -> Int { points.reduce(0) { $0 + (($1[key] as? NSNumber)?.intValue ?? 0) } }
        XCTAssertEqual(total("registrations"), 2, "1001 and 1002")
        XCTAssertEqual(total("refreshes"), 1)
        XCTAssertEqual(total("removals"), 2, "1002 lapsed, 1001 forced out")
        XCTAssertGreaterThanOrEqual(total("failures"), 2)
        XCTAssertTrue(points.contains { $0["active_bindings"] is NSNumber }, "the writer samples the bindings: \(points)")
        let human = try daemon.ctlOK(["analysis", "trend", "--since", "1h", "--step", "1m"])
        XCTAssertTrue(human.contains("Capacity rule"), human)

        // Stats and metrics figures.
        let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["stats", "--json"]).utf8)) as? [String: Any])
        let figures = try XCTUnwrap(stats["history"] as? [String: Any], "\(stats)")
        XCTAssertGreaterThanOrEqual((figures["events_written"] as? NSNumber)?.intValue ?? 0, 7)
        XCTAssertEqual((figures["events_dropped"] as? NSNumber)?.intValue, 0)
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["status", "--json"]).utf8)) as? [String: Any])
        XCTAssertGreaterThanOrEqual(((status["history"] as? [String: Any])?["events_written"] as? NSNumber)?.intValue ?? 0, 7, "\(status)")
        XCTAssertTrue(try daemon.ctlOK(["status"]).contains(" dropped, "), "status reports the history's drops")

        // Rotation: the log moves away and is reopened; the history keeps everything.
        let log = daemon.dataDirectory.appendingPathComponent("security.log")
        try FileManager.default.moveItem(at: log, to: daemon.dataDirectory.appendingPathComponent("security.log.1"))
        kill(daemon.pid, SIGUSR1)
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "pw1001", client: phone1, port: port), 200)
        XCTAssertTrue(TestEnvironment.eventually { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("register.accepted") })
        XCTAssertTrue(try TestEnvironment.eventually { kinds(try history(daemon, ["--aor", "sip:1001@127.0.0.1"])).count == 4 })
        let show = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["registrations", "show", "1001", "--json"]).utf8)) as? [String: Any])
        XCTAssertEqual(show["events_source"] as? String, "history")
        XCTAssertEqual((show["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }.filter { $0.hasPrefix("register.") },
                       ["register.accepted", "register.refreshed", "register.forced_out", "register.accepted"],
                       "the events from before the rotation, oldest first")

        // Restart: the history is still there, and grows on.
        daemon.stop()
        try daemon.start()
        // Three of 1001 before the rotation, one after; four of 1002, 9999 and its source.
        let afterRestart = try history(daemon, [])
        XCTAssertEqual(afterRestart.count, mine.count + 1 + 4, "\(kinds(afterRestart))")
        XCTAssertEqual(kinds(try history(daemon, ["--aor", "sip:1001@127.0.0.1"])).count, 4)
        let text = try daemon.ctlOK(["registrations", "show", "1001"])
        XCTAssertTrue(text.contains("Recent events (from the history):"), text)
        XCTAssertTrue(text.contains("register.forced_out"), "an event from before the restart and the rotation:\n\(text)")
    }

    func testWithTheHistoryDisabledTheCommandsSaySoAndShowFallsBackToTheLog() throws {
        let daemon = try RegistrationTestSupport.startDaemon("history-off", yaml: Self.yaml + "\nhistory:\n  enabled: false\n")
        defer { daemon.stop() }
        _ = try daemon.ctlOK(["subscriber", "add", "1001", "--password", "pw1001"])
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "pw1001", client: phone, port: daemon.port), 200)
        let refused = try daemon.ctl(["history"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("history.enabled"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.dataDirectory.appendingPathComponent("history.sqlite").path))
        XCTAssertTrue(try daemon.ctlOK(["status"]).contains("history: off"))
        XCTAssertTrue(TestEnvironment.eventually {
            ((try? daemon.ctlOK(["registrations", "show", "1001"])) ?? "").contains("from the end of the security log: the history is disabled")
        })
    }
}
