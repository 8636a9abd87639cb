import Foundation
import XCTest

/// The shipped plugins in the real daemon, on what the plugins' unit tests cannot show: a ban
/// that ends (lifted by the operator, or lapsed) is forgotten by the plugin that asked for it, a
/// source sending garbage is banned, and the hijack guard's alert names the recorded event.
final class PolicyPluginsEndToEndTests: XCTestCase {
    /// A policies directory with the shipped files; `settings[file]` replaces that file's `settings:` block.
    private func policies(_ settings: [String: String] = [:]) throws -> URL {
        let directory = try TestEnvironment.temporaryDirectory("policies")
        let shipped = TestEnvironment.packageRoot.appendingPathComponent("rules/policies")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".yaml") {
            var text = try String(contentsOf: shipped.appendingPathComponent(name), encoding: .utf8)
            if let replacement = settings[name] {
                text = String(text[..<(text.range(of: "\nsettings:")?.lowerBound ?? text.endIndex)]) + "\nsettings:\n" + replacement + "\n"
            }
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    private func startDaemon(_ label: String, policies: URL) throws -> DaemonProcess {
        let daemon = try DaemonProcess(label: label, extraArguments: ["--policies-dir", policies.path])
        try daemon.start()
        return daemon
    }

    /// Whether `localIP` gets any answer to an OPTIONS.
    private func answers(_ localIP: String, _ daemon: DaemonProcess, timeout: TimeInterval = 0.5) throws -> Bool {
        let client = try SIPTestClient(.udp, localIP: localIP, serverPort: daemon.port)
        client.send(SIPMessages.options(client: client, port: daemon.port))
        return client.receiveText(timeout: timeout) != nil
    }

    private func scan(from localIP: String, _ daemon: DaemonProcess) throws {
        let scanner = try SIPTestClient(.udp, localIP: localIP, serverPort: daemon.port)
        scanner.send(SIPMessages.register(
            user: "100", client: scanner, port: daemon.port, callID: "scan-\(UUID().uuidString.prefix(8))", cseq: 1,
            userAgent: "friendly-scanner"))
        _ = scanner.receiveText(timeout: 0.5)
    }

    private func isBanned(_ localIP: String, _ daemon: DaemonProcess) throws -> Bool {
        let bans = try RegistrationTestSupport.jsonArray(daemon, ["ban", "list", "--json"])
        return bans.contains { $0["address"] as? String == localIP }
    }

    func testAScannerIsBannedAgainAfterTheOperatorLiftsItsBan() throws {
        let daemon = try startDaemon("ban-lifted", policies: try policies())
        defer { daemon.stop() }
        let source = "127.0.0.41"
        try scan(from: source, daemon)
        XCTAssertTrue(try TestEnvironment.eventually(5) { try isBanned(source, daemon) }, "banned at the first request")
        _ = try daemon.ctlOK(["ban", "remove", source])
        XCTAssertTrue(try TestEnvironment.eventually(5) { try answers(source, daemon) }, "answered again once lifted")
        try scan(from: source, daemon)
        XCTAssertTrue(
            try TestEnvironment.eventually(5) { try isBanned(source, daemon) && !answers(source, daemon, timeout: 0.3) },
            "the same scanner is banned again at its next request")
    }

    /// (The plugin's own ban time lapses with the ban here, so this guards the expiry path end to
    /// end; the unit tests show `ban.expired` alone clearing the plugin's state.)
    func testAScannerIsBannedAgainAfterItsBanLapses() throws {
        let daemon = try startDaemon("ban-lapsed", policies: try policies(["scanner.yaml": "  ban_time: 2s"]))
        defer { daemon.stop() }
        let source = "127.0.0.42"
        try scan(from: source, daemon)
        XCTAssertTrue(try TestEnvironment.eventually(5) { try isBanned(source, daemon) })
        XCTAssertTrue(try TestEnvironment.eventually(10) {
            RegistrationTestSupport.securityEvents(daemon).contains { $0["kind"] as? String == "ban.expired" && $0["source_ip"] as? String == source }
        }, "the ban lapsed and the sweep said so")
        XCTAssertTrue(try answers(source, daemon))
        try scan(from: source, daemon)
        XCTAssertTrue(try TestEnvironment.eventually(5) { try isBanned(source, daemon) }, "banned again at its next request")
    }

    func testASourceSendingGarbageIsBannedByTheShippedScannerPolicy() throws {
        let daemon = try startDaemon("garbage", policies: try policies())
        defer { daemon.stop() }
        let source = "127.0.0.43"
        let client = try SIPTestClient(.udp, localIP: source, serverPort: daemon.port)
        for index in 0..<19 { client.send("GARBAGE \(index) NOT SIP\r\n\r\n") }
        // The security log folds repeats after the first few per source; the daemon's own event
        // counters (`stats --json`) see every one.
        XCTAssertTrue(try TestEnvironment.eventually(5) {
            let stats = try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["stats", "--json"]).utf8)) as? [String: Any]
            return ((stats?["events"] as? [String: Any])?["request.malformed"] as? Int ?? 0) >= 19
        })
        XCTAssertFalse(try isBanned(source, daemon), "19 are below the shipped limit of 20")
        client.send("GARBAGE 19 NOT SIP\r\n\r\n")
        XCTAssertTrue(try TestEnvironment.eventually(5) { try isBanned(source, daemon) }, "the 20th within a minute bans")
        let why = try daemon.ctlOK(["ban", "why", source, "--json"])
        XCTAssertTrue(why.contains("request.malformed"), "the evidence is the malformed messages: \(why.prefix(400))")
    }

    func testTheHijackAlertNamesTheRecordedEvent() throws {
        // On loopback every source is in 127.0.0.0/24, so "another network" is another /32 here.
        let daemon = try startDaemon("hijack-alert", policies: try policies(["hijack.yaml": "  ipv4_prefix: 32"]))
        defer { daemon.stop() }
        try daemon.addSubscriber("1001", password: "secret-1001")
        let desk = try SIPTestClient(.udp, localIP: "127.0.0.44", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "secret-1001", client: desk, port: daemon.port), 200)
        let thief = try SIPTestClient(.udp, localIP: "127.0.0.45", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "secret-1001", client: thief, port: daemon.port), 200)
        var alert: [String: Any]?
        XCTAssertTrue(try TestEnvironment.eventually(10) {
            alert = RegistrationTestSupport.securityEvents(daemon).first {
                $0["type"] as? String == "decision" && $0["plugin"] as? String == "hijack" && $0["action"] as? String == "alert"
            }
            return alert != nil
        }, "an alert follows the report")
        let suspected = try XCTUnwrap(RegistrationTestSupport.securityEvents(daemon).first { $0["kind"] as? String == "hijack.suspected" })
        let id = try XCTUnwrap(suspected["id"] as? Int)
        XCTAssertGreaterThan(id, 0)
        XCTAssertEqual(alert?["evidence_ids"] as? [Int], [id], "the alert names the recorded hijack.suspected event")
    }
}
