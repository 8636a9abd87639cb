import Foundation
import XCTest

/// Subscriber management, trusted ranges and stats end to end: the real daemon driven by
/// `sipwardenctl`, with real REGISTERs from loopback addresses.
final class OperatorEndToEndTests: XCTestCase {
    private var daemon: DaemonProcess!

    override func setUpWithError() throws {
        daemon = try DaemonProcess(label: "operator")
        try daemon.start()
    }

    override func tearDown() {
        daemon = nil
    }

    private func ctlOK(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try daemon.ctlOK(arguments, file: file, line: line)
    }

    private func json(_ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try ctlOK(arguments).utf8))
    }

    /// `sh -c 'printf ... | sipwardenctl --socket S arguments'`: for what reads standard input.
    private func ctlWithInput(_ input: String, _ arguments: [String]) throws -> ProcessResult {
        let ctl = try TestEnvironment.program("sipwardenctl")
        let quoted = ([ctl, "--socket", daemon.socketPath] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try ProcessRunner.run("/bin/sh", ["-c", "printf '%s' '\(input)' | \(quoted)"])
    }

    /// Challenge, then the answer with `password`; the final status.
    private func register(_ user: String, password: String, from client: SIPTestClient, callID: String) -> Int? {
        client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: callID, cseq: 1))
        guard let text = client.receiveText(), let challenge = SIPMessages.headers("WWW-Authenticate", in: text).first else { return nil }
        let authorization = SIPMessages.authorization(user: user, password: password, challenge: challenge, uri: "sip:127.0.0.1:\(daemon.port)")
        client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: callID, cseq: 2, authorization: authorization))
        return SIPMessages.status(client.receiveText())
    }

    private func answers(_ localIP: String, timeout: TimeInterval = 0.7) throws -> Bool {
        let client = try SIPTestClient(.udp, localIP: localIP, serverPort: daemon.port)
        client.send(SIPMessages.options(client: client, port: daemon.port))
        return client.receiveText(timeout: timeout) != nil
    }

    func testSetPasswdShowAndImportWithTheNewColumns() throws {
        try daemon.addSubscriber("1001", password: "old-pw")
        _ = try ctlOK(["subscriber", "set", "1001", "--account", "acme", "--display-name", "Front desk"])
        let passwd = try ctlWithInput("new-pw\n", ["subscriber", "passwd", "1001", "--password-stdin"])
        XCTAssertEqual(passwd.status, 0, passwd.stderr)

        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(register("1001", password: "old-pw", from: phone, callID: "old"), 401, "the old password no longer works")
        XCTAssertEqual(register("1001", password: "new-pw", from: phone, callID: "new"), 200)

        let detail = try XCTUnwrap(try json(["subscriber", "show", "1001", "--json"]) as? [String: Any])
        XCTAssertEqual(Set(detail.keys), ["subscriber", "allowed", "bindings"])
        let subscriber = try XCTUnwrap(detail["subscriber"] as? [String: Any])
        XCTAssertEqual(subscriber["account"] as? String, "acme")
        XCTAssertEqual(subscriber["display_name"] as? String, "Front desk")
        XCTAssertEqual(subscriber["auth_mode"] as? String, "password")
        XCTAssertEqual(detail["bindings"] as? Int, 1)

        // passwd without a terminal and without --password-stdin says what to do.
        let noTerminal = try daemon.ctl(["subscriber", "passwd", "1001"])
        XCTAssertEqual(noTerminal.status, 2)
        XCTAssertTrue(noTerminal.stderr.contains("--password-stdin"), noTerminal.stderr)

        let file = daemon.dataDirectory.appendingPathComponent("users.csv")
        try "user;password;account;display_name;auth_mode\n2001;pw2001;acme;Lobby;password\n2002;;globex;;ip\n"
            .write(to: file, atomically: true, encoding: .utf8)
        _ = try ctlOK(["subscriber", "import", file.path])
        let list = try XCTUnwrap(try json(["subscriber", "list", "--json"]) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: list.map { ($0["username"] as? String ?? "", $0) })
        XCTAssertEqual(byName["2001"]?["account"] as? String, "acme")
        XCTAssertEqual(byName["2001"]?["display_name"] as? String, "Lobby")
        XCTAssertEqual(byName["2002"]?["auth_mode"] as? String, "ip")
        XCTAssertEqual(byName["2002"]?["account"] as? String, "globex")
        let importedPhone = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(register("2001", password: "pw2001", from: importedPhone, callID: "imported"), 200)

        try "user;password;auth_mode\n2003;pw;password\n2004;pw;ipsec\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try daemon.ctl(["subscriber", "import", file.path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("\(file.path):3: column 3 (auth_mode): 'ipsec' is not an auth mode"), bad.stderr)
        XCTAssertNil(byName["2003"])
        let after = try XCTUnwrap(try json(["subscriber", "list", "--json"]) as? [[String: Any]])
        XCTAssertFalse(after.contains { $0["username"] as? String == "2003" }, "nothing of a bad file is imported")
    }

    func testTrustedAddressIsNeverBannedAndSurvivesARestart() throws {
        let added = try ctlOK(["trusted", "add", "127.0.0.4"])
        XCTAssertTrue(added.contains("Trusted 127.0.0.4"), added)

        let refused = try daemon.ctl(["ban", "add", "127.0.0.4", "--for", "1h", "--reason", "test"])
        XCTAssertEqual(refused.status, 1, "a trusted address is not banned")
        XCTAssertTrue(refused.stderr.contains("trusted"), refused.stderr)

        // A ban of a wider range does not reach the trusted address; it does reach its neighbours.
        _ = try ctlOK(["ban", "add", "127.0.0.0/29", "--for", "1h", "--reason", "test"])
        XCTAssertTrue(try answers("127.0.0.4"), "the trusted address still gets answers")
        XCTAssertFalse(try answers("127.0.0.5"), "its untrusted neighbour is dropped")

        let list = try XCTUnwrap(try json(["trusted", "list", "--json"]) as? [[String: Any]])
        XCTAssertEqual(list.map { $0["cidr"] as? String }, ["127.0.0.4"])
        XCTAssertEqual(list.first?["origin"] as? String, "operator")

        daemon.stop()
        try daemon.start()
        XCTAssertTrue(try answers("127.0.0.4"), "still trusted after a restart")
        _ = try ctlOK(["trusted", "remove", "127.0.0.4"])
        XCTAssertFalse(try answers("127.0.0.4"), "no longer trusted: the range ban reaches it at once")
        let gone = try daemon.ctl(["trusted", "remove", "127.0.0.4"])
        XCTAssertEqual(gone.status, 1)
    }

    func testStatsCountTheTrafficSent() throws {
        try daemon.addSubscriber("1001", password: "right")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(register("1001", password: "right", from: phone, callID: "ok"), 200)  // a 401, then a 200
        let guesser = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        for attempt in 1...2 {
            XCTAssertEqual(register("1001", password: "wrong\(attempt)", from: guesser, callID: "bad\(attempt)"), 401)  // 401 twice each
        }

        let stats = try XCTUnwrap(try json(["stats", "--json"]) as? [String: Any])
        XCTAssertEqual(Set(stats.keys), [
            "registrations", "aors", "registers_last_minute", "registers_per_second", "auth_failures_last_minute",
            "auth_failures_per_second", "registers_total", "register_time_avg_ms", "register_time_p99_ms", "active_bans", "events",
            "plugins_loaded", "plugins_failed", "protection_active", "plugin_events_dropped", "history", "trunks",
            "alerts",  // the alert engine's states (alert_webhook only with alerts.webhook)
        ])
        // Issue 14: the trunk count in each state (none configured here).
        XCTAssertEqual(stats["trunks"] as? [String: Int], ["registered": 0, "registering": 0, "retrying": 0, "rejected": 0, "disabled": 0])
        XCTAssertEqual(stats["registrations"] as? Int, 1)
        XCTAssertEqual(stats["aors"] as? Int, 1)
        XCTAssertEqual(stats["registers_last_minute"] as? Int, 1)
        XCTAssertEqual(stats["auth_failures_last_minute"] as? Int, 2)
        XCTAssertEqual(stats["registers_total"] as? Int, 6)
        XCTAssertEqual(stats["active_bans"] as? Int, 0)
        XCTAssertNotNil(stats["register_time_p99_ms"] as? Double)
        let events = try XCTUnwrap(stats["events"] as? [String: Int])
        XCTAssertEqual(events["auth.failed"], 2)
        XCTAssertEqual(events["register.accepted"], 1)
        XCTAssertEqual(events["auth.challenged"], 3)

        let table = try ctlOK(["stats"])
        XCTAssertTrue(table.contains("Registrations:        1 bindings, 1 AORs"), table)
        XCTAssertTrue(table.contains("auth.failed"), table)
    }
}
