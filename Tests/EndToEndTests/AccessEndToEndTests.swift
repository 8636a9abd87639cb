import Foundation
import XCTest

/// Per-phone allowed ranges and auth modes end to end: the real daemon, `sipwardenctl allow`
/// and `subscriber set`, and REGISTERs from distinct loopback addresses (127.0.0.2, .3, ...).
final class AccessEndToEndTests: XCTestCase {
    private var daemon: DaemonProcess!

    override func setUpWithError() throws {
        daemon = try DaemonProcess(label: "access")
        try daemon.start()
    }

    override func tearDown() {
        daemon = nil
    }

    private func ctlOK(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try daemon.ctlOK(arguments, file: file, line: line)
    }

    /// Sends one REGISTER without credentials and returns the answer's status.
    private func registerBare(_ user: String, from client: SIPTestClient, callID: String, cseq: Int = 1) -> Int? {
        client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: callID, cseq: cseq))
        return SIPMessages.status(client.receiveText())
    }

    /// Challenge, then the answer with `password`; the final status (nil: no challenge came).
    private func registerWithDigest(_ user: String, password: String, from client: SIPTestClient, callID: String) -> Int? {
        client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: callID, cseq: 1))
        guard let text = client.receiveText() else { return nil }
        guard SIPMessages.status(text) == 401, let challenge = SIPMessages.headers("WWW-Authenticate", in: text).first else {
            return SIPMessages.status(text)
        }
        let authorization = SIPMessages.authorization(user: user, password: password, challenge: challenge, uri: "sip:127.0.0.1:\(daemon.port)")
        client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: callID, cseq: 2, authorization: authorization))
        return SIPMessages.status(client.receiveText())
    }

    private func securityLog() -> String {
        (try? String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)) ?? ""
    }


    private func aors() throws -> [String] { try daemon.registrations().compactMap { $0["aor"] as? String } }

    func testIPModePhoneRegistersWithoutChallengeOnlyFromItsRange() throws {
        _ = try ctlOK(["subscriber", "add", "2001", "--auth-mode", "ip", "--account", "acme"])
        _ = try ctlOK(["allow", "add", "2001", "127.0.0.2"])

        let inside = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(registerBare("2001", from: inside, callID: "ip-in"), 200, "accepted without a challenge")
        XCTAssertEqual(try aors(), ["sip:2001@127.0.0.1"])

        let outside = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(registerBare("2001", from: outside, callID: "ip-out"), 403)
        XCTAssertTrue(TestEnvironment.eventually(5) { self.securityLog().contains("\"acl.denied\"") && self.securityLog().contains("127.0.0.3") },
                      "acl.denied for 127.0.0.3 is in the security log:\n\(securityLog().suffix(2000))")

        // A change applies to the next REGISTER, without a restart.
        _ = try ctlOK(["allow", "add", "2001", "127.0.0.3/32"])
        XCTAssertEqual(registerBare("2001", from: outside, callID: "ip-out-2"), 200)
        _ = try ctlOK(["allow", "remove", "2001", "127.0.0.3"])
        XCTAssertEqual(registerBare("2001", from: outside, callID: "ip-out-3"), 403)

        let list = try ctlOK(["allow", "list", "2001", "--json"])
        let rules = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(list.utf8)) as? [[String: Any]])
        XCTAssertEqual(rules.count, 1)
        XCTAssertEqual(rules.first?["cidr"] as? String, "127.0.0.2")
        XCTAssertEqual(Set(rules.first?.keys.map { $0 } ?? []), ["username", "domain", "cidr", "port"])
    }

    func testPasswordPhoneWithARangeIsRefusedOutsideItBeforeAnyChallenge() throws {
        try daemon.addSubscriber("1001", password: "pw1001")
        _ = try ctlOK(["allow", "add", "1001", "127.0.0.0/30"])  // .0 to .3
        let inside = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(registerWithDigest("1001", password: "pw1001", from: inside, callID: "pw-in"), 200)
        let outside = try SIPTestClient(.udp, localIP: "127.0.0.5", serverPort: daemon.port)
        XCTAssertEqual(registerBare("1001", from: outside, callID: "pw-out"), 403, "no challenge from outside the range")
    }

    func testIPPortModeHonoursThePort() throws {
        _ = try ctlOK(["subscriber", "add", "3001", "--auth-mode", "ip+port"])
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        let otherPort = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        _ = try ctlOK(["allow", "add", "3001", "127.0.0.2", "--port", String(phone.localPort)])
        XCTAssertEqual(registerBare("3001", from: phone, callID: "port-ok"), 200)
        XCTAssertEqual(registerBare("3001", from: otherPort, callID: "port-bad"), 403, "same address, another port")

        // A rule without a port does not satisfy ip+port.
        _ = try ctlOK(["allow", "add", "3001", "127.0.0.3"])
        let noPortRule = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(registerBare("3001", from: noPortRule, callID: "port-none"), 403)
    }

    func testPasswordPlusIPNeedsBothTheRangeAndThePassword() throws {
        try daemon.addSubscriber("4001", password: "right")
        _ = try ctlOK(["subscriber", "set", "4001", "--auth-mode", "password+ip"])
        _ = try ctlOK(["allow", "add", "4001", "127.0.0.2"])
        let inside = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(registerBare("4001", from: inside, callID: "both-bare"), 401, "inside the range still needs the password")
        XCTAssertEqual(registerWithDigest("4001", password: "wrong", from: inside, callID: "both-wrong"), 401)
        XCTAssertEqual(registerWithDigest("4001", password: "right", from: inside, callID: "both-right"), 200)
        let outside = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(registerWithDigest("4001", password: "right", from: outside, callID: "both-outside"), 403,
                       "the right password from outside the range is refused")
    }

    func testAnIPModePhoneWithoutRangesCannotRegisterAndRulesSurviveARestart() throws {
        _ = try ctlOK(["subscriber", "add", "5001", "--auth-mode", "ip"])
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(registerBare("5001", from: phone, callID: "norules"), 403)
        _ = try ctlOK(["allow", "add", "5001", "127.0.0.2"])
        daemon.stop()
        try daemon.start()
        let again = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(registerBare("5001", from: again, callID: "restarted"), 200, "the rule and the mode were persisted")
        let show = try ctlOK(["subscriber", "show", "5001", "--json"])
        let detail = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(show.utf8)) as? [String: Any])
        XCTAssertEqual((detail["subscriber"] as? [String: Any])?["auth_mode"] as? String, "ip")
        XCTAssertEqual(detail["bindings"] as? Int, 1)
        XCTAssertEqual((detail["allowed"] as? [[String: Any]])?.first?["cidr"] as? String, "127.0.0.2")
    }

    func testABanInsideAPhonesRangeIsEnforced() throws {
        // A phone's allowed range says where it may register from; it exempts nobody from a ban
        // (issue 12 item 1: a listed ban is an enforced ban). Only trusted ranges are exempt.
        _ = try ctlOK(["subscriber", "add", "7001", "--auth-mode", "ip"])
        _ = try ctlOK(["allow", "add", "7001", "127.0.0.0/29"])
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.6", serverPort: daemon.port)
        XCTAssertEqual(registerBare("7001", from: phone, callID: "before-ban"), 200, "the phone registers from its range")
        _ = try ctlOK(["ban", "add", "127.0.0.6", "--for", "1h", "--reason", "test"])
        let banned = try SIPTestClient(.udp, localIP: "127.0.0.6", serverPort: daemon.port)
        XCTAssertNil(registerBare("7001", from: banned, callID: "under-ban"), "the listed ban is enforced inside the phone's range")
        let neighbour = try SIPTestClient(.udp, localIP: "127.0.0.5", serverPort: daemon.port)
        XCTAssertEqual(registerBare("7001", from: neighbour, callID: "neighbour"), 200, "the rest of the range is not banned")
        _ = try ctlOK(["trusted", "add", "127.0.0.6"])
        let trusted = try SIPTestClient(.udp, localIP: "127.0.0.6", serverPort: daemon.port)
        XCTAssertEqual(registerBare("7001", from: trusted, callID: "trusted"), 200, "a trusted address is never dropped")
    }

    func testSipsakRegistersAnIPPhoneWithoutAPasswordOnlyFromItsRange() throws {
        let sipsak = try TestEnvironment.tool("sipsak", package: "sipsak")
        _ = try ctlOK(["subscriber", "add", "8001", "--auth-mode", "ip"])
        _ = try ctlOK(["allow", "add", "8001", "127.0.0.2"])
        func sipsakRegister(from localIP: String) throws -> ProcessResult {
            // sipsak picks its own source port; the ip mode does not look at it.
            try ProcessRunner.run(sipsak, [
                "-U", "-i", "-s", "sip:8001@127.0.0.1:\(daemon.port)", "--local-ip=\(localIP)", "-x", "600",
                "-C", "sip:8001@\(localIP):5999", "-vv",
            ], timeout: 30)
        }
        let accepted = try sipsakRegister(from: "127.0.0.2")
        XCTAssertEqual(accepted.status, 0, "sipsak register: \(accepted.stdout)\n\(accepted.stderr)")
        XCTAssertEqual(try daemon.registrations().compactMap { $0["contact"] as? String }, ["sip:8001@127.0.0.2:5999"])
        let refused = try sipsakRegister(from: "127.0.0.3")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue((refused.stdout + refused.stderr).contains("SIP/2.0 403 Forbidden"), "sipsak saw the 403: \(refused.stdout)\n\(refused.stderr)")
    }

    func testBadInputIsRefusedWithWhatToType() throws {
        let badRange = try daemon.ctl(["allow", "add", "1001", "192.0.2.300/24"])
        XCTAssertEqual(badRange.status, 2)
        XCTAssertTrue(badRange.stderr.contains("is not an IP address or CIDR range"), badRange.stderr)
        let unknownUser = try daemon.ctl(["allow", "add", "nobody", "192.0.2.0/24"])
        XCTAssertEqual(unknownUser.status, 1)
        XCTAssertTrue(unknownUser.stderr.contains("no subscriber 'nobody'"), unknownUser.stderr)
        let badMode = try daemon.ctl(["subscriber", "add", "6001", "--auth-mode", "ipsec", "--password", "x"])
        XCTAssertEqual(badMode.status, 2)
        XCTAssertTrue(badMode.stderr.contains("use one of password, ip, ip+port, password+ip"), badMode.stderr)
        let badPort = try daemon.ctl(["allow", "add", "1001", "192.0.2.0/24", "--port", "70000"])
        XCTAssertEqual(badPort.status, 2)
    }
}
