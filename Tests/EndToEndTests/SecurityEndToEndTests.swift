import Foundation
import XCTest

/// The security agent end to end: the real daemon with the shipped plugins loaded from their
/// libraries, attacked from distinct loopback addresses (127.0.0.2, 127.0.0.3, ...).
final class SecurityEndToEndTests: XCTestCase {
    /// A policies directory holding the shipped policy files, with `overrides` (file name ->
    /// extra YAML text appended under `settings:`) for thresholds a test needs to know.
    private func policies(_ overrides: [String: String] = [:], extra: [String: String] = [:]) throws -> URL {
        let directory = try TestEnvironment.temporaryDirectory("policies")
        let shipped = TestEnvironment.packageRoot.appendingPathComponent("rules/policies")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".yaml") {
            var text = try String(contentsOf: shipped.appendingPathComponent(name), encoding: .utf8)
            if let override = overrides[name] { text = Self.overriding(text, with: override) }
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        for (name, text) in extra { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    /// Replaces the `settings:` block of a policy file with `settings` (YAML lines, 2-space indented).
    private static func overriding(_ text: String, with settings: String) -> String {
        var kept: [String] = []
        var inSettings = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("settings:") { inSettings = true; continue }
            if inSettings, let first = line.first, first != " ", first != "#" { inSettings = false }
            if !inSettings { kept.append(line) }
        }
        return kept.joined(separator: "\n") + "\nsettings:\n" + settings + "\n"
    }

    private func startDaemon(_ label: String, policies: URL, extra: [String] = []) throws -> DaemonProcess {
        let daemon = try DaemonProcess(label: label, extraArguments: ["--policies-dir", policies.path] + extra)
        try daemon.start()
        return daemon
    }

    /// Whether `client` gets any answer to an OPTIONS within `timeout`.
    private func answers(_ localIP: String, _ daemon: DaemonProcess, timeout: TimeInterval = 0.7) throws -> Bool {
        let client = try SIPTestClient(.udp, localIP: localIP, serverPort: daemon.port)
        client.send(SIPMessages.options(client: client, port: daemon.port))
        return client.receiveText(timeout: timeout) != nil
    }


    private func bans(_ daemon: DaemonProcess) throws -> [[String: Any]] {
        let result = try daemon.ctl(["ban", "list", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// Registers `user` from `client` (challenge, then the answer); returns the final status.
    private func register(_ user: String, password: String, client: SIPTestClient, port: Int, callID: String, cseq: Int = 1) -> Int? {
        client.send(SIPMessages.register(user: user, client: client, port: port, callID: callID, cseq: cseq))
        guard let challengeText = client.receiveText(), let challenge = SIPMessages.headers("WWW-Authenticate", in: challengeText).first else { return nil }
        let authorization = SIPMessages.authorization(user: user, password: password, challenge: challenge, uri: "sip:127.0.0.1:\(port)")
        client.send(SIPMessages.register(user: user, client: client, port: port, callID: callID, cseq: cseq + 1, authorization: authorization))
        return SIPMessages.status(client.receiveText())
    }

    func testPasswordGuesserIsBannedWhileALegitimatePhoneKeepsRegistering() throws {
        let daemon = try startDaemon("guesser", policies: try policies(["bruteforce.yaml": "  max_failures: 5\n  window: 60\n  ban_time: 60"]))
        try daemon.addSubscriber("1001", password: "right-one")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(register("1001", password: "right-one", client: phone, port: daemon.port, callID: "phone-1"), 200)

        let guesser = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "guess", cseq: 1))
        let challenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: try XCTUnwrap(guesser.receiveText())).first)
        for attempt in 1...4 {
            let authorization = SIPMessages.authorization(user: "1001", password: "guess-\(attempt)", challenge: challenge, uri: "sip:127.0.0.1:\(daemon.port)", nc: attempt)
            guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "guess", cseq: attempt + 1, authorization: authorization))
            XCTAssertEqual(SIPMessages.status(guesser.receiveText()), 401, "failure \(attempt) is answered")
        }
        XCTAssertTrue(try answers("127.0.0.2", daemon), "four failures are below the threshold")
        let fifth = SIPMessages.authorization(user: "1001", password: "guess-5", challenge: challenge, uri: "sip:127.0.0.1:\(daemon.port)", nc: 5)
        guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "guess", cseq: 6, authorization: fifth))
        _ = guesser.receiveText(timeout: 1)
        XCTAssertTrue(try TestEnvironment.eventually(5) { try !answers("127.0.0.2", daemon, timeout: 0.3) }, "the guesser is banned after the fifth failure")

        let ban = try XCTUnwrap(try bans(daemon).first { $0["address"] as? String == "127.0.0.2" })
        XCTAssertEqual(ban["source"] as? String, "bruteforce")
        XCTAssertGreaterThan(ban["expires_in"] as? Int ?? 0, 50)
        let why = try daemon.ctl(["ban", "why", "127.0.0.2", "--json"])
        XCTAssertEqual(why.status, 0, why.stderr)
        XCTAssertTrue(why.stdout.contains("auth.failed"), "the evidence names the failures: \(why.stdout.prefix(400))")

        XCTAssertEqual(register("1001", password: "right-one", client: phone, port: daemon.port, callID: "phone-2"), 200,
                       "the real phone on another address keeps registering")
        let log = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("\"ban.added\""), "the ban is in the security log")
    }

    func testScannerUserAgentIsBannedAtOnce() throws {
        let daemon = try startDaemon("scanner", policies: try policies())
        let scanner = try SIPTestClient(.udp, localIP: "127.0.0.4", serverPort: daemon.port)
        scanner.send(SIPMessages.register(user: "100", client: scanner, port: daemon.port, callID: "scan", cseq: 1, userAgent: "friendly-scanner"))
        _ = scanner.receiveText(timeout: 1)
        XCTAssertTrue(try TestEnvironment.eventually(5) { try !answers("127.0.0.4", daemon, timeout: 0.3) }, "banned at the first request")
        XCTAssertEqual(try bans(daemon).first { $0["address"] as? String == "127.0.0.4" }?["source"] as? String, "scanner")
        XCTAssertTrue(try answers("127.0.0.5", daemon), "others are untouched")
    }

    func testTwoHundredPhonesBehindOneAddressAreNotBanned() throws {
        let sipp = try TestEnvironment.tool("sipp", package: "sip-tester")
        let daemon = try startDaemon("office", policies: try policies())
        var users = "SEQUENTIAL\n"
        for user in 500_000..<500_200 { users += "\(user);pw-\(user)\n" }
        let file = daemon.dataDirectory.appendingPathComponent("office.csv")
        try users.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try daemon.ctl(["subscriber", "import", file.path]).status, 0)
        let scenario = TestEnvironment.packageRoot.appendingPathComponent("bench/scenarios/register_auth.xml").path
        // Twice: the first registration of the office, then everyone again at once, as after an
        // outage. The phones keep their contact (one SIPp port) across both rounds.
        let officePort = SIPTestClient.freePort()
        for round in 1...2 {
            let result = try ProcessRunner.run(sipp, [
                "-sf", scenario, "-inf", file.path, "127.0.0.1:\(daemon.port)", "-i", "127.0.0.6", "-p", "\(officePort)",
                "-m", "200", "-r", "200", "-l", "200", "-timeout", "60s", "-nostdin",
            ], timeout: 90, currentDirectory: daemon.dataDirectory)
            XCTAssertEqual(result.status, 0, "round \(round): every phone registered:\n\(result.stdout.suffix(1500))")
        }
        XCTAssertEqual(try daemon.registrations().count, 200)
        XCTAssertNil(try bans(daemon).first { $0["address"] as? String == "127.0.0.6" }, "the office is not banned")
        XCTAssertTrue(try answers("127.0.0.6", daemon))
    }

    func testPasswordSprayFromTwentyAddressesBansThemAndRaisesAnAlert() throws {
        let daemon = try startDaemon("spray", policies: try policies())
        try daemon.addSubscriber("1001", password: "right-one")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(register("1001", password: "right-one", client: phone, port: daemon.port, callID: "phone"), 200)
        let sprayers = (1...20).map { "127.0.1.\($0)" }
        for (index, address) in sprayers.enumerated() {
            let client = try SIPTestClient(.udp, localIP: address, serverPort: daemon.port)
            _ = register("1001", password: "spray-\(index)", client: client, port: daemon.port, callID: "spray-\(index)")
        }
        XCTAssertTrue(try TestEnvironment.eventually(5) {
            let banned = Set(try bans(daemon).compactMap { $0["address"] as? String })
            return sprayers.allSatisfy(banned.contains)
        }, "every spraying address is banned")
        XCTAssertFalse(Set(try bans(daemon).compactMap { $0["address"] as? String }).contains("127.0.0.3"), "the real user is not locked out")
        XCTAssertEqual(register("1001", password: "right-one", client: phone, port: daemon.port, callID: "phone-again"), 200)
        let log = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("\"alert.raised\""), "an alert is raised")
    }

    func testBannedSourceGetsNoAnswerAndTheBanExpiresOnTime() throws {
        let daemon = try startDaemon("expiry", policies: try policies())
        XCTAssertTrue(try answers("127.0.0.9", daemon))
        let added = try daemon.ctl(["ban", "add", "127.0.0.9", "--for", "3s", "--reason", "e2e test"])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertFalse(try answers("127.0.0.9", daemon), "a banned source gets no answer at all")
        let tcp = try SIPTestClient(.tcp, localIP: "127.0.0.9", serverPort: daemon.port)
        tcp.send(SIPMessages.options(client: tcp, port: daemon.port))
        XCTAssertNil(tcp.receiveText(timeout: 0.5), "nor over TCP")
        let listed = try XCTUnwrap(try bans(daemon).first { $0["address"] as? String == "127.0.0.9" })
        XCTAssertEqual(listed["source"] as? String, "operator")
        XCTAssertEqual(listed["reason"] as? String, "e2e test")
        sleep(3)
        XCTAssertTrue(try TestEnvironment.eventually(3) { try answers("127.0.0.9", daemon, timeout: 0.3) }, "the ban lapsed on time")
    }

    func testExecPluginScriptReceivesEventsAndItsDecisionTakesEffect() throws {
        let python = try TestEnvironment.tool("python3", package: "python3")
        let work = try TestEnvironment.temporaryDirectory("exec")
        let seen = work.appendingPathComponent("seen.jsonl")
        let script = work.appendingPathComponent("policy.py")
        try """
            import json, sys
            with open(sys.argv[1], "a") as seen:
                for line in sys.stdin:
                    event = json.loads(line)
                    seen.write(line); seen.flush()
                    if "evil-exec" in (event.get("user_agent") or ""):
                        print(json.dumps({"action": "ban", "target": event["source_ip"], "seconds": 120, "reason": "exec says so"}), flush=True)
            """.write(to: script, atomically: true, encoding: .utf8)
        let policy = "plugin: exec\nenabled: true\ncommand: [\(python), \(script.path), \(seen.path)]\n"
        let daemon = try startDaemon("exec", policies: try policies(extra: ["zz-exec.yaml": policy]))
        let client = try SIPTestClient(.udp, localIP: "127.0.0.7", serverPort: daemon.port)
        client.send(SIPMessages.register(user: "42", client: client, port: daemon.port, callID: "exec", cseq: 1, userAgent: "evil-exec/1.0"))
        _ = client.receiveText(timeout: 1)
        XCTAssertTrue(try TestEnvironment.eventually(5) { try !answers("127.0.0.7", daemon, timeout: 0.3) }, "the script's ban took effect")
        XCTAssertEqual(try bans(daemon).first { $0["address"] as? String == "127.0.0.7" }?["reason"] as? String, "exec says so")
        let lines = try String(contentsOf: seen, encoding: .utf8)
        XCTAssertTrue(lines.contains("\"auth.challenged\""), "the script received the registrar's events")
    }
}

extension SecurityEndToEndTests {
    func testTrustedAddressIsNeverBanned() throws {
        let config = try TestEnvironment.temporaryDirectory("trusted").appendingPathComponent("sipwarden.yaml")
        try "trusted: [127.0.0.8/32]\n".write(to: config, atomically: true, encoding: .utf8)
        let daemon = try startDaemon("trusted", policies: try policies(), extra: ["--config", config.path])
        let office = try SIPTestClient(.udp, localIP: "127.0.0.8", serverPort: daemon.port)
        office.send(SIPMessages.register(user: "100", client: office, port: daemon.port, callID: "t", cseq: 1, userAgent: "friendly-scanner"))
        _ = office.receiveText(timeout: 1)
        let refused = try daemon.ctl(["ban", "add", "127.0.0.8", "--for", "1h", "--reason", "try"])
        XCTAssertNotEqual(refused.status, 0, "the operator cannot ban a trusted address either")
        usleep(500_000)
        XCTAssertTrue(try answers("127.0.0.8", daemon), "a scanner User-Agent from a trusted address is not banned")
        XCTAssertNil(try bans(daemon).first { $0["address"] as? String == "127.0.0.8" })
        XCTAssertEqual(try daemon.ctl(["ban", "add", "127.0.0.0/24", "--for", "1h", "--reason", "range"]).status, 0)
        XCTAssertFalse(try answers("127.0.0.11", daemon), "the banned range is dropped")
        XCTAssertTrue(try answers("127.0.0.8", daemon), "the trusted address inside it still gets through")
    }

    func testPluginsReloadKeepsRegistrationsAndBans() throws {
        let policiesDirectory = try policies()
        let daemon = try startDaemon("reload", policies: policiesDirectory)
        try daemon.addSubscriber("1001", password: "pw")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(register("1001", password: "pw", client: phone, port: daemon.port, callID: "r"), 200)
        XCTAssertEqual(try daemon.ctl(["ban", "add", "127.0.0.12", "--for", "1h", "--reason", "kept"]).status, 0)
        let listed = try daemon.ctl(["plugins", "list", "--json"])
        let names = ((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(names), ["ratelimit", "bruteforce", "scanner", "allowlist", "hijack"])

        try FileManager.default.removeItem(at: policiesDirectory.appendingPathComponent("hijack.yaml"))
        let reloaded = try daemon.ctl(["plugins", "reload"])
        XCTAssertEqual(reloaded.status, 0, reloaded.stderr)
        let after = try daemon.ctl(["plugins", "list", "--json"])
        let hijack = ((try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]]) ?? []).first { $0["name"] as? String == "hijack" }
        XCTAssertEqual(hijack?["source"] as? String, "defaults", "a removed policy file puts its shipped plugin back on its built-in defaults")
        XCTAssertEqual(hijack?["state"] as? String, "loaded")
        XCTAssertEqual(try daemon.registrations().count, 1, "registrations survive a reload")
        XCTAssertNotNil(try bans(daemon).first { $0["address"] as? String == "127.0.0.12" }, "bans survive a reload")

        // SIGHUP does the same.
        try "plugin: hijack\nenabled: true\n".write(to: policiesDirectory.appendingPathComponent("hijack.yaml"), atomically: true, encoding: .utf8)
        kill(try XCTUnwrap(daemon.process?.processIdentifier), SIGHUP)
        XCTAssertTrue(try TestEnvironment.eventually(5) {
            let list = try daemon.ctl(["plugins", "list", "--json"])
            let entries = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []
            return entries.first { $0["name"] as? String == "hijack" }?["source"] as? String == "file"
        }, "SIGHUP re-read the policy files")
        XCTAssertTrue(daemon.isRunning)
    }

    func testABanIsEnforcedAgainAfterADaemonRestart() throws {
        let daemon = try startDaemon("ban-restart", policies: try policies())
        XCTAssertTrue(try answers("127.0.0.21", daemon))
        _ = try daemon.ctlOK(["ban", "add", "127.0.0.21", "--for", "1h", "--reason", "restart test"])
        _ = try daemon.ctlOK(["ban", "add", "127.0.0.32/30", "--for", "1h", "--reason", "restart test"])
        XCTAssertFalse(try answers("127.0.0.21", daemon))
        daemon.stop()
        try daemon.start()
        XCTAssertTrue(daemon.log().contains("bans_restored=2"), daemon.log().suffix(2000).description)
        XCTAssertFalse(try answers("127.0.0.21", daemon), "the stored ban holds after the restart")
        XCTAssertFalse(try answers("127.0.0.33", daemon), "and so does the stored range ban")
        XCTAssertTrue(try answers("127.0.0.22", daemon), "its neighbour is answered")
    }
}
