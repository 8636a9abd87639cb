import Foundation
import XCTest

/// NAT keepalive and reachability against the real daemon: a phone that answers the
/// daemon's OPTIONS stays registered, one that vanished is marked unreachable and then
/// removed, a TCP phone is reachable while its connection is open and not once it closed.
final class KeepaliveEndToEndTests: XCTestCase {
    private static let yaml = """
        keepalive:
          enabled: true
          interval: 1
          max_misses: 2
          remove_after: 3
          targets: all
        """

    private func status(_ daemon: DaemonProcess, _ user: String) throws -> String? {
        try RegistrationTestSupport.jsonArray(daemon, ["registrations", "list", "--status", "all", "--json", "--number", user])
            .first?["status"] as? String
    }

    private func events(_ daemon: DaemonProcess, kind: String, aor: String) -> [[String: Any]] {
        RegistrationTestSupport.securityEvents(daemon).filter { $0["kind"] as? String == kind && $0["aor"] as? String == aor }
    }

    func testAVanishedPhoneBecomesUnreachableThenGoesWhileAnAnsweringPhoneStays() throws {
        let daemon = try RegistrationTestSupport.startDaemon("keepalive", yaml: Self.yaml)
        for user in ["4001", "4002", "4003"] { try daemon.addSubscriber(user, password: "pw\(user)") }
        let answering = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        var vanishing: SIPTestClient? = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        var tcpPhone: SIPTestClient? = try SIPTestClient(.tcp, localIP: "127.0.0.4", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("4001", password: "pw4001", client: answering, port: daemon.port,
                                                            contact: "<sip:4001@192.168.7.2:5060>"), 200)
        let responder = OptionsResponder(answering)
        defer { responder.stop() }
        XCTAssertEqual(try RegistrationTestSupport.register("4002", password: "pw4002", client: vanishing!, port: daemon.port), 200)
        XCTAssertEqual(try RegistrationTestSupport.register("4003", password: "pw4003", client: tcpPhone!, port: daemon.port), 200)
        vanishing = nil  // the phone is gone: its socket is closed, probes get no answer

        XCTAssertTrue(try TestEnvironment.eventually(20) { try self.status(daemon, "4002") == "unreachable" },
                      "the silent phone is marked unreachable after 2 missed probes:\n\(daemon.log().suffix(2000))")
        XCTAssertEqual(try status(daemon, "4001"), "registered", "the phone answering OPTIONS stays reachable")
        XCTAssertEqual(try status(daemon, "4003"), "registered", "a TCP phone with its connection open is reachable")
        XCTAssertGreaterThanOrEqual(responder.answered, 2, "the answering phone got the probes")
        let unreachable = events(daemon, kind: "register.unreachable", aor: "sip:4002@127.0.0.1")
        XCTAssertTrue(try TestEnvironment.eventually(5) { !self.events(daemon, kind: "register.unreachable", aor: "sip:4002@127.0.0.1").isEmpty },
                      "register.unreachable recorded: \(unreachable)")
        XCTAssertEqual(try RegistrationTestSupport.jsonArray(daemon, ["registrations", "list", "--status", "unreachable", "--json"])
            .compactMap { $0["aor"] as? String }, ["sip:4002@127.0.0.1"], "--status unreachable lists exactly it")

        let show = try daemon.ctl(["registrations", "show", "4001", "--json"])
        let detail = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any], show.stdout + show.stderr)
        let binding = try XCTUnwrap((detail["bindings"] as? [[String: Any]])?.first)
        XCTAssertEqual(binding["keepalive_misses"] as? Int, 0)
        XCTAssertTrue(binding["last_keepalive_answer_at"] is String, "\(binding)")

        XCTAssertTrue(try TestEnvironment.eventually(20) { try self.status(daemon, "4002") == "expired" },
                      "removed remove_after seconds later, and listed as expired")
        XCTAssertTrue(try TestEnvironment.eventually(5) {
            self.events(daemon, kind: "register.removed", aor: "sip:4002@127.0.0.1").contains { $0["detail"] as? String == "unreachable" }
        })
        XCTAssertEqual(try status(daemon, "4001"), "registered")

        tcpPhone = nil  // the TCP connection closes: every ping from now on is a miss
        XCTAssertTrue(try TestEnvironment.eventually(20) { try self.status(daemon, "4003") != "registered" },
                      "a TCP binding whose connection is gone becomes unreachable")
        XCTAssertEqual(try status(daemon, "4001"), "registered")
        XCTAssertTrue(daemon.isRunning, "answers to our probes never crash anything")

        daemon.stop()
        try daemon.start()
        XCTAssertEqual(try RegistrationTestSupport.jsonArray(daemon, ["registrations", "list", "--json"]).compactMap { $0["aor"] as? String }
            .filter { $0.hasPrefix("sip:4002") }, [], "the removal of the unreachable binding was persisted")
    }

    func testAnUnreachablePhoneThatAnswersAgainIsReachable() throws {
        let daemon = try RegistrationTestSupport.startDaemon("keepalive-back", yaml: Self.yaml.replacingOccurrences(of: "remove_after: 3", with: "remove_after: 0"))
        try daemon.addSubscriber("4101", password: "pw4101")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.5", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("4101", password: "pw4101", client: phone, port: daemon.port), 200)
        XCTAssertTrue(try TestEnvironment.eventually(20) { try self.status(daemon, "4101") == "unreachable" },
                      "silent (nobody reads its socket): unreachable")
        let responder = OptionsResponder(phone)
        defer { responder.stop() }
        XCTAssertTrue(try TestEnvironment.eventually(20) { try self.status(daemon, "4101") == "registered" },
                      "it answers an OPTIONS: reachable again")
        XCTAssertTrue(try TestEnvironment.eventually(5) { !self.events(daemon, kind: "register.reachable", aor: "sip:4101@127.0.0.1").isEmpty })
        sleep(3)
        XCTAssertEqual(try status(daemon, "4101"), "registered", "remove_after: 0 keeps unreachable bindings; and it stays reachable while answering")
    }

    func testStrayAndForgedResponsesAreIgnored() throws {
        let daemon = try RegistrationTestSupport.startDaemon("keepalive-stray", yaml: Self.yaml)
        try daemon.addSubscriber("4201", password: "pw4201")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.6", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("4201", password: "pw4201", client: phone, port: daemon.port), 200)
        let attacker = try SIPTestClient(.udp, localIP: "127.0.0.7", serverPort: daemon.port)
        let strays = [
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKka0\r\nCall-ID: ka-guess@sipwarden\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
            "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
            "SIP/2.0 999 Whatever\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nab",
            "SIP/2.0 200\r\n\r\n",
        ]
        for _ in 0..<20 { for stray in strays { attacker.send(stray) } }
        XCTAssertTrue(try TestEnvironment.eventually(20) { try self.status(daemon, "4201") == "unreachable" },
                      "guessed answers do not keep a silent phone reachable")
        XCTAssertTrue(daemon.isRunning)
        let probe = try SIPTestClient(.udp, localIP: "127.0.0.8", serverPort: daemon.port)
        probe.send(SIPMessages.options(client: probe, port: daemon.port))
        XCTAssertEqual(SIPMessages.status(probe.receiveText(timeout: 3)), 200, "the daemon still answers")
    }
}
