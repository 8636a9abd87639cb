import Foundation
import XCTest

/// The real daemon against real peers: SIPp, sipsak and hand-written SIP over real sockets.
final class RegistrationEndToEndTests: XCTestCase {
    private func users(_ count: Int, first: Int, in directory: URL) throws -> URL {
        var text = "SEQUENTIAL\n"
        for user in first..<(first + count) { text += "\(user);pw-\(user)\n" }
        let url = directory.appendingPathComponent("users.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func runSIPp(users file: URL, count: Int, rate: Int, port: Int, transport: String = "u1") throws -> ProcessResult {
        let sipp = try TestEnvironment.tool("sipp", package: "sip-tester")
        let scenario = TestEnvironment.packageRoot.appendingPathComponent("bench/scenarios/register_auth.xml").path
        let workDirectory = file.deletingLastPathComponent()
        return try ProcessRunner.run(sipp, [
            "-sf", scenario, "-inf", file.path, "127.0.0.1:\(port)", "-i", "127.0.0.1", "-p", "\(SIPTestClient.freePort())",
            "-t", transport, "-m", "\(count)", "-r", "\(rate)", "-l", "200", "-timeout", "90s", "-nostdin",
            "-trace_stat", "-stf", workDirectory.appendingPathComponent("stat.csv").path,
        ], timeout: 150, currentDirectory: workDirectory)
    }

    func testSIPpRegistersAThousandUsersWithDigestAuth() throws {
        let daemon = try DaemonProcess(label: "sipp1000")
        try daemon.start()
        let file = try users(1000, first: 200_000, in: daemon.dataDirectory)
        let imported = try daemon.ctl(["subscriber", "import", file.path])
        XCTAssertEqual(imported.status, 0, imported.stderr)

        let result = try runSIPp(users: file, count: 1000, rate: 250, port: daemon.port)
        XCTAssertEqual(result.status, 0, "sipp reported failed calls:\n\(result.stdout.suffix(3000))\n\(result.stderr.suffix(2000))\n\(daemon.log().suffix(2000))")

        let registrations = try daemon.registrations()
        XCTAssertEqual(registrations.count, 1000)
        let aors = Set(registrations.compactMap { $0["aor"] as? String })
        XCTAssertEqual(aors.count, 1000)
        XCTAssertTrue(aors.contains("sip:200000@127.0.0.1"))
        XCTAssertTrue(aors.contains("sip:200999@127.0.0.1"))
        for registration in registrations.prefix(5) {
            XCTAssertEqual(registration["transport"] as? String, "UDP")
            XCTAssertEqual(registration["user_agent"] as? String, "SIPWarden-bench/1 (SIPp)")
            XCTAssertEqual(registration["nat"] as? Bool, false)
            XCTAssertGreaterThan(registration["expires_in"] as? Int ?? 0, 3500)
            XCTAssertEqual(registration["cseq"] as? Int, 2)
        }
    }

    func testSIPpRegistersOverTCP() throws {
        let daemon = try DaemonProcess(label: "sipptcp")
        try daemon.start()
        let file = try users(100, first: 300_000, in: daemon.dataDirectory)
        XCTAssertEqual(try daemon.ctl(["subscriber", "import", file.path]).status, 0)
        let result = try runSIPp(users: file, count: 100, rate: 100, port: daemon.port, transport: "t1")
        XCTAssertEqual(result.status, 0, "sipp over TCP failed:\n\(result.stdout.suffix(3000))\n\(daemon.log().suffix(2000))")
        let registrations = try daemon.registrations()
        XCTAssertEqual(registrations.count, 100)
        XCTAssertEqual(Set(registrations.compactMap { $0["transport"] as? String }), ["TCP"])
    }

    func testEveryAcknowledgedBindingSurvivesKillNine() throws {
        let daemon = try DaemonProcess(label: "kill9")
        try daemon.start()
        let file = try users(300, first: 400_000, in: daemon.dataDirectory)
        XCTAssertEqual(try daemon.ctl(["subscriber", "import", file.path]).status, 0)
        let result = try runSIPp(users: file, count: 300, rate: 300, port: daemon.port)
        XCTAssertEqual(result.status, 0, String(result.stdout.suffix(2000)) + String(daemon.log().suffix(2000)))
        let before = try daemon.registrations()
        XCTAssertEqual(before.count, 300)

        daemon.kill9()
        try daemon.start()
        let after = try daemon.registrations()
        XCTAssertEqual(after.count, 300, "bindings lost across kill -9")
        let key: ([String: Any]) -> String = { "\($0["aor"] ?? "")|\($0["contact"] ?? "")|\($0["call_id"] ?? "")" }
        XCTAssertEqual(Set(after.map(key)), Set(before.map(key)))
        for registration in after.prefix(5) {
            XCTAssertGreaterThan(registration["expires_in"] as? Int ?? 0, 3000, "remaining expiry restored")
        }
    }

    func testSipsakRegistersAndUnregisters() throws {
        let sipsak = try TestEnvironment.tool("sipsak", package: "sipsak")
        let daemon = try DaemonProcess(label: "sipsak")
        try daemon.start()
        try daemon.addSubscriber("7001", password: "sipsak-secret")
        let contact = "sip:7001@127.0.0.1:5999"
        let register = try ProcessRunner.run(sipsak, [
            "-U", "-s", "sip:7001@127.0.0.1:\(daemon.port)", "-u", "7001", "-a", "sipsak-secret", "-x", "600", "-C", contact, "-vv",
        ], timeout: 30)
        XCTAssertEqual(register.status, 0, "sipsak register: \(register.stdout)\n\(register.stderr)")
        let registered = try daemon.registrations()
        XCTAssertEqual(registered.compactMap { $0["contact"] as? String }, [contact])
        XCTAssertEqual(registered.first?["aor"] as? String, "sip:7001@127.0.0.1")

        let unregister = try ProcessRunner.run(sipsak, [
            "-U", "-s", "sip:7001@127.0.0.1:\(daemon.port)", "-u", "7001", "-a", "sipsak-secret", "-x", "0", "-C", contact, "-vv",
        ], timeout: 30)
        XCTAssertEqual(unregister.status, 0, "sipsak unregister: \(unregister.stdout)\n\(unregister.stderr)")
        XCTAssertEqual(try daemon.registrations().count, 0)
    }

    func testUnknownUserGetsTheSameChallengeAsAKnownOne() throws {
        let daemon = try DaemonProcess(label: "unknown")
        try daemon.start()
        try daemon.addSubscriber("1001", password: "right")
        var answers: [String] = []
        for user in ["1001", "9999"] {
            let client = try SIPTestClient(.udp, localIP: "127.0.0.1", serverPort: daemon.port)
            client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: "cid-\(user)", cseq: 1))
            let answer = try XCTUnwrap(client.receiveText(), "no answer for \(user)")
            answers.append(answer)
        }
        XCTAssertEqual(SIPMessages.status(answers[0]), 401)
        XCTAssertEqual(SIPMessages.status(answers[1]), 401)
        // Same headers in the same order; only nonce, tag and the echoed user may differ.
        let shape: (String) -> [String] = { text in
            text.components(separatedBy: "\r\n").map { line in
                line.replacingOccurrences(of: #"nonce="[^"]*""#, with: "nonce=X", options: .regularExpression)
                    .replacingOccurrences(of: #"tag=[^;>\s]*"#, with: "tag=X", options: .regularExpression)
                    .replacingOccurrences(of: #"branch=[^;\s]*"#, with: "branch=X", options: .regularExpression)
                    .replacingOccurrences(of: "1001", with: "U").replacingOccurrences(of: "9999", with: "U")
                    .replacingOccurrences(of: #"rport=\d+"#, with: "rport=P", options: .regularExpression)
                    .replacingOccurrences(of: #"127\.0\.0\.1:\d+"#, with: "127.0.0.1:P", options: .regularExpression)
            }
        }
        XCTAssertEqual(shape(answers[0]), shape(answers[1]), "known vs unknown:\n\(answers[0])\n---\n\(answers[1])")

        // With credentials: a wrong password for the known user and any password for the
        // unknown one are also indistinguishable.
        var second: [String] = []
        for (index, user) in ["1001", "9999"].enumerated() {
            let client = try SIPTestClient(.udp, localIP: "127.0.0.1", serverPort: daemon.port)
            let challenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: answers[index]).first)
            let authorization = SIPMessages.authorization(user: user, password: "wrong", challenge: challenge, uri: "sip:127.0.0.1:\(daemon.port)")
            client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: "cid2-\(user)", cseq: 2, authorization: authorization))
            second.append(try XCTUnwrap(client.receiveText()))
        }
        XCTAssertEqual(SIPMessages.status(second[0]), 401)
        XCTAssertEqual(shape(second[0]), shape(second[1]), "known vs unknown:\n\(second[0])\n---\n\(second[1])")
    }

    func testRegisterOverTCPWithDigestAndRetransmissionOverUDP() throws {
        let daemon = try DaemonProcess(label: "tcpauth")
        try daemon.start()
        try daemon.addSubscriber("2001", password: "pw2001")
        let uri = "sip:127.0.0.1:\(daemon.port)"

        let tcp = try SIPTestClient(.tcp, localIP: "127.0.0.1", serverPort: daemon.port)
        tcp.send(SIPMessages.register(user: "2001", client: tcp, port: daemon.port, callID: "tcp-1", cseq: 1))
        let challengeText = try XCTUnwrap(tcp.receiveText())
        XCTAssertEqual(SIPMessages.status(challengeText), 401)
        let challenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: challengeText).first)
        tcp.send(SIPMessages.register(user: "2001", client: tcp, port: daemon.port, callID: "tcp-1", cseq: 2,
                                      authorization: SIPMessages.authorization(user: "2001", password: "pw2001", challenge: challenge, uri: uri)))
        let okay = try XCTUnwrap(tcp.receiveText())
        XCTAssertEqual(SIPMessages.status(okay), 200, okay)
        XCTAssertEqual(SIPMessages.headers("Contact", in: okay).count, 1)
        XCTAssertTrue(SIPMessages.headers("Contact", in: okay).first?.contains("expires=") ?? false)

        // UDP: the same authenticated REGISTER sent twice (a retransmission) gets the same 200,
        // not a replay refusal.
        let udp = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        udp.send(SIPMessages.register(user: "2001", client: udp, port: daemon.port, callID: "udp-1", cseq: 1))
        let udpChallenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: try XCTUnwrap(udp.receiveText())).first)
        let signed = SIPMessages.register(user: "2001", client: udp, port: daemon.port, callID: "udp-1", cseq: 2,
                                          authorization: SIPMessages.authorization(user: "2001", password: "pw2001", challenge: udpChallenge, uri: uri),
                                          branch: "z9hG4bKretransmitted1")
        udp.send(signed)
        let first = try XCTUnwrap(udp.receiveText())
        udp.send(signed)
        let again = try XCTUnwrap(udp.receiveText())
        XCTAssertEqual(SIPMessages.status(first), 200)
        XCTAssertEqual(first, again, "a retransmission gets the very same response")
        let registrations = try daemon.registrations()
        XCTAssertEqual(registrations.count, 2)
        XCTAssertEqual(Set(registrations.compactMap { $0["transport"] as? String }), ["TCP", "UDP"])
        XCTAssertTrue(registrations.contains { ($0["source"] as? String)?.hasPrefix("127.0.0.2:") ?? false })
    }

    func testOptionsIsAnsweredAndOtherMethodsAreRefusedProperly() throws {
        let daemon = try DaemonProcess(label: "methods")
        try daemon.start()
        let client = try SIPTestClient(.udp, serverPort: daemon.port)
        client.send(SIPMessages.options(client: client, port: daemon.port))
        let options = try XCTUnwrap(client.receiveText())
        XCTAssertEqual(SIPMessages.status(options), 200)
        XCTAssertEqual(SIPMessages.headers("Allow", in: options).first, "REGISTER, OPTIONS")

        let invite = SIPMessages.options(client: client, port: daemon.port)
            .replacingOccurrences(of: "OPTIONS sip:", with: "INVITE sip:").replacingOccurrences(of: "1 OPTIONS", with: "1 INVITE")
        client.send(invite)
        let refused = try XCTUnwrap(client.receiveText())
        XCTAssertEqual(SIPMessages.status(refused), 405)
        XCTAssertEqual(SIPMessages.headers("Allow", in: refused).first, "REGISTER, OPTIONS")

        let unknown = SIPMessages.options(client: client, port: daemon.port)
            .replacingOccurrences(of: "OPTIONS sip:", with: "FROBNICATE sip:").replacingOccurrences(of: "1 OPTIONS", with: "1 FROBNICATE")
        client.send(unknown)
        XCTAssertEqual(SIPMessages.status(client.receiveText()), 501)

        client.send("REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: broken\r\nCSeq: 99999999999 REGISTER\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(SIPMessages.status(client.receiveText()), 400, "overlarge CSeq is a bad request")
        XCTAssertTrue(daemon.isRunning)
    }
}
