import Foundation
import XCTest

/// The daemon is never silently unprotected: started anywhere with no policy file it bans
/// attackers on the shipped plugins' built-in defaults, and with every plugin switched off it
/// says so loudly (a WARNING, `status`, and the metrics).
final class ProtectionEndToEndTests: XCTestCase {
    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    private func bannedAddresses(_ daemon: DaemonProcess) throws -> Set<String> {
        let result = try daemon.ctl(["ban", "list", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let bans = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        return Set(bans.compactMap { $0["address"] as? String })
    }

    private func httpGet(port: Int, path: String) throws -> String {
        let client = try SIPTestClient(.tcp, serverPort: port)
        client.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        var received: [UInt8] = []
        while let chunk = client.receive(timeout: 3) { received += chunk }
        return String(decoding: received, as: UTF8.self)
    }

    func testWithNoPolicyFilesTheBuiltInDefaultsBanAGuesserAndAScanner() throws {
        // The daemon runs in an empty directory, except for a trap: a `rules/policies` there
        // switching every plugin off. The working directory must not count.
        let workingDirectory = try TestEnvironment.temporaryDirectory("protect-cwd")
        defer { try? FileManager.default.removeItem(at: workingDirectory) }
        let trap = workingDirectory.appendingPathComponent("rules/policies")
        try FileManager.default.createDirectory(at: trap, withIntermediateDirectories: true)
        for name in PolicyDirectories.shipped {
            try "plugin: \(name)\nenabled: false\n".write(to: trap.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        // No --policies-dir unless this host has an installed one the search would find.
        let installed = ["/etc/sipwarden/policies", TestEnvironment.binDirectory.appendingPathComponent("policies").path]
            .contains { FileManager.default.fileExists(atPath: $0) }
        let missing = workingDirectory.appendingPathComponent("no-such-policies").path
        let daemon = try DaemonProcess(label: "protect-defaults", extraArguments: installed ? ["--policies-dir", missing] : [],
                                       currentDirectory: workingDirectory)
        try daemon.start()
        XCTAssertTrue(daemon.log().contains("policies directory: "), daemon.log().suffix(2000).description)
        XCTAssertFalse(daemon.log().contains("no policy plugin active"), daemon.log().suffix(2000).description)

        let status = try json(try daemon.ctlOK(["status", "--json"]))
        XCTAssertEqual(status["protection_active"] as? Bool, true, "\(status)")
        let protections = try XCTUnwrap(status["protections"] as? [[String: Any]], "\(status)")
        XCTAssertEqual(Set(protections.compactMap { $0["name"] as? String }), Set(PolicyDirectories.shipped))
        for protection in protections {
            XCTAssertEqual(protection["state"] as? String, "loaded", "\(protection)")
            XCTAssertEqual(protection["source"] as? String, "defaults", "\(protection)")
        }
        XCTAssertFalse(try daemon.ctlOK(["status"]).contains("PROTECTION OFF"))

        // A svcrack-style guesser: wrong digest answers from one address until banned
        // (bruteforce's default: 10 failures in 10 minutes).
        try daemon.addSubscriber("1001", password: "right-one")
        let guesser = try SIPTestClient(.udp, localIP: "127.0.0.41", serverPort: daemon.port)
        guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "svcrack", cseq: 1, userAgent: "custom"))
        let challenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: try XCTUnwrap(guesser.receiveText())).first)
        for attempt in 1...12 {
            let authorization = SIPMessages.authorization(user: "1001", password: "guess-\(attempt)", challenge: challenge,
                                                          uri: "sip:127.0.0.1:\(daemon.port)", nc: attempt)
            guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "svcrack", cseq: attempt + 1,
                                              authorization: authorization, userAgent: "custom"))
            _ = guesser.receiveText(timeout: 0.5)
        }
        XCTAssertTrue(try TestEnvironment.eventually(5) { try bannedAddresses(daemon).contains("127.0.0.41") },
                      "the guesser is banned by bruteforce on its defaults:\n\(daemon.log().suffix(2000))")

        // A friendly-scanner OPTIONS probe.
        let scanner = try SIPTestClient(.udp, localIP: "127.0.0.42", serverPort: daemon.port)
        let probe = SIPMessages.options(client: scanner, port: daemon.port)
            .replacingOccurrences(of: "Content-Length: 0", with: "User-Agent: friendly-scanner\r\nContent-Length: 0")
        scanner.send(probe)
        XCTAssertTrue(try TestEnvironment.eventually(5) { try bannedAddresses(daemon).contains("127.0.0.42") },
                      "the scanner is banned on its defaults")
        let plugins = (try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["plugins", "list", "--json"]).utf8)) as? [[String: Any]]) ?? []
        XCTAssertEqual(plugins.count, 5)
        XCTAssertTrue(plugins.allSatisfy { $0["source"] as? String == "defaults" && $0["enforce"] as? Bool == true }, "\(plugins)")
    }

    func testWithEveryPluginSwitchedOffTheDaemonWarnsAndStatusSaysProtectionOff() throws {
        let policies = try PolicyDirectories.allDisabled()
        defer { try? FileManager.default.removeItem(at: policies) }
        let metricsPort = SIPTestClient.freePort()
        let daemon = try DaemonProcess.started("protect-off", yaml: "metrics:\n  listen: 127.0.0.1:\(metricsPort)\n",
                                               extraArguments: ["--policies-dir", policies.path])
        func warnings() -> Int {
            daemon.log().components(separatedBy: "\n").filter { $0.contains("warning") && $0.contains("security agent: no policy plugin active") }.count
        }
        XCTAssertEqual(warnings(), 1, daemon.log().suffix(3000).description)

        let status = try json(try daemon.ctlOK(["status", "--json"]))
        XCTAssertEqual(status["protection_active"] as? Bool, false, "\(status)")
        XCTAssertEqual(status["policies_dir"] as? String, policies.path)
        XCTAssertEqual(status["firewall"] as? String, "memory", "the existing keys stay")
        XCTAssertNotNil(status["uptime_seconds"] as? Int)
        let text = try daemon.ctlOK(["status"])
        XCTAssertTrue(text.contains("PROTECTION OFF"), text)
        XCTAssertTrue(text.contains("bruteforce: disabled, policy file"), text)

        let metrics = try httpGet(port: metricsPort, path: "/metrics")
        XCTAssertTrue(metrics.contains("\nsipwarden_protection_active 0"), metrics)
        XCTAssertTrue(metrics.contains("\nsipwarden_plugins_loaded 0"), metrics)
        XCTAssertTrue(metrics.contains("# HELP sipwarden_protection_active "), metrics)

        // Every reload repeats the warning while nothing protects.
        XCTAssertEqual(try daemon.ctl(["plugins", "reload"]).status, 0)
        XCTAssertTrue(TestEnvironment.eventually(5) { warnings() == 2 }, daemon.log().suffix(3000).description)

        // Switching one back on (and a reload) ends it.
        try "plugin: scanner\n".write(to: policies.appendingPathComponent("scanner.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try daemon.ctl(["plugins", "reload"]).status, 0)
        XCTAssertEqual(try json(try daemon.ctlOK(["status", "--json"]))["protection_active"] as? Bool, true)
        XCTAssertTrue(try httpGet(port: metricsPort, path: "/metrics").contains("\nsipwarden_protection_active 1"))
        XCTAssertEqual(warnings(), 2)
    }

    func testABadReloadKeepsTheLastGoodConfigurationAndFailsNamingTheFile() throws {
        let policies = try TestEnvironment.temporaryDirectory("protect-reload")
        defer { try? FileManager.default.removeItem(at: policies) }
        let file = policies.appendingPathComponent("bruteforce.yaml")
        try "plugin: bruteforce\nsettings:\n  max_failures: 3\n".write(to: file, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(label: "protect-reload", extraArguments: ["--policies-dir", policies.path])
        try daemon.start()

        try "plugin: bruteforce\nsettings:\n  max_failures: lots\n".write(to: file, atomically: true, encoding: .utf8)
        let reload = try daemon.ctl(["plugins", "reload"])
        XCTAssertEqual(reload.status, 1, reload.stdout + reload.stderr)
        XCTAssertTrue(reload.stderr.contains(file.path), reload.stderr)
        XCTAssertTrue(reload.stderr.contains("max_failures"), reload.stderr)
        XCTAssertTrue(reload.stderr.contains("lots"), reload.stderr)
        XCTAssertTrue(reload.stderr.contains("last good configuration"), reload.stderr)

        let plugins = (try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["plugins", "list", "--json"]).utf8)) as? [[String: Any]]) ?? []
        let bruteforce = try XCTUnwrap(plugins.first { $0["name"] as? String == "bruteforce" })
        XCTAssertEqual(bruteforce["state"] as? String, "loaded")
        XCTAssertTrue((bruteforce["stale"] as? String)?.contains("max_failures") ?? false, "\(bruteforce)")

        // Still banning on the old configuration: three failures.
        try daemon.addSubscriber("1001", password: "right-one")
        let guesser = try SIPTestClient(.udp, localIP: "127.0.0.43", serverPort: daemon.port)
        guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "stale", cseq: 1))
        let challenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: try XCTUnwrap(guesser.receiveText())).first)
        for attempt in 1...3 {
            let authorization = SIPMessages.authorization(user: "1001", password: "guess-\(attempt)", challenge: challenge,
                                                          uri: "sip:127.0.0.1:\(daemon.port)", nc: attempt)
            guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "stale", cseq: attempt + 1,
                                              authorization: authorization))
            _ = guesser.receiveText(timeout: 0.5)
        }
        XCTAssertTrue(try TestEnvironment.eventually(5) { try bannedAddresses(daemon).contains("127.0.0.43") })
    }

    func testEnforceFalseReportsWouldBeBansWithoutBanning() throws {
        let policies = try TestEnvironment.temporaryDirectory("protect-dry")
        defer { try? FileManager.default.removeItem(at: policies) }
        try "plugin: scanner\nenforce: false\n".write(to: policies.appendingPathComponent("scanner.yaml"), atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(label: "protect-dry", extraArguments: ["--policies-dir", policies.path])
        try daemon.start()
        let plugins = (try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["plugins", "list", "--json"]).utf8)) as? [[String: Any]]) ?? []
        XCTAssertEqual(plugins.first { $0["name"] as? String == "scanner" }?["enforce"] as? Bool, false)
        XCTAssertTrue(try daemon.ctlOK(["plugins", "list"]).contains("no (dry run)"))

        let scanner = try SIPTestClient(.udp, localIP: "127.0.0.44", serverPort: daemon.port)
        scanner.send(SIPMessages.register(user: "100", client: scanner, port: daemon.port, callID: "dry", cseq: 1, userAgent: "friendly-scanner"))
        _ = scanner.receiveText(timeout: 1)
        let securityLog = daemon.dataDirectory.appendingPathComponent("security.log")
        XCTAssertTrue(TestEnvironment.eventually(5) {
            ((try? String(contentsOf: securityLog, encoding: .utf8)) ?? "").contains("\"ban.would_add\"")
        }, "the would-be ban is in the security log")
        XCTAssertFalse(try bannedAddresses(daemon).contains("127.0.0.44"), "a dry run bans nobody")
    }

    func testAnExecPluginThatKeepsDyingIsRestartedWhileTheRegistrarAndTheOtherPluginsWork() throws {
        let policies = try TestEnvironment.temporaryDirectory("protect-exec")
        defer { try? FileManager.default.removeItem(at: policies) }
        try "plugin: exec\ncommand: [/bin/sh, -c, 'exit 7']\n".write(to: policies.appendingPathComponent("dies.yaml"), atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(label: "protect-exec", extraArguments: ["--policies-dir", policies.path])
        try daemon.start()
        func dies() throws -> [String: Any]? {
            let list = (try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["plugins", "list", "--json"]).utf8)) as? [[String: Any]]) ?? []
            return list.first { $0["name"] as? String == "dies" }
        }
        XCTAssertTrue(try TestEnvironment.eventually(15) { (try dies()?["restarts"] as? Int ?? 0) >= 2 }, "\(String(describing: try? dies()))")
        let entry = try XCTUnwrap(try dies())
        XCTAssertEqual(entry["state"] as? String, "loaded")
        XCTAssertEqual(entry["last_exit"] as? String, "exited with status 7")
        XCTAssertTrue(daemon.log().contains("exec plugin command died; restarting"), daemon.log().suffix(2000).description)
        let securityLog = daemon.dataDirectory.appendingPathComponent("security.log")
        XCTAssertTrue(((try? String(contentsOf: securityLog, encoding: .utf8)) ?? "").contains("\"plugin.restarted\""))

        // The registrar and the shipped plugins (on their defaults) go on.
        try daemon.addSubscriber("1001", password: "pw")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.45", serverPort: daemon.port)
        phone.send(SIPMessages.register(user: "1001", client: phone, port: daemon.port, callID: "exec-phone", cseq: 1))
        let challenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: try XCTUnwrap(phone.receiveText())).first)
        let authorization = SIPMessages.authorization(user: "1001", password: "pw", challenge: challenge, uri: "sip:127.0.0.1:\(daemon.port)")
        phone.send(SIPMessages.register(user: "1001", client: phone, port: daemon.port, callID: "exec-phone", cseq: 2, authorization: authorization))
        XCTAssertEqual(SIPMessages.status(phone.receiveText()), 200)
        let scanner = try SIPTestClient(.udp, localIP: "127.0.0.46", serverPort: daemon.port)
        scanner.send(SIPMessages.register(user: "100", client: scanner, port: daemon.port, callID: "exec-scan", cseq: 1, userAgent: "friendly-scanner"))
        XCTAssertTrue(try TestEnvironment.eventually(5) { try bannedAddresses(daemon).contains("127.0.0.46") })
    }
}
