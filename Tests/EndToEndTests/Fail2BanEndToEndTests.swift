import Foundation
import XCTest

/// The shipped Fail2Ban rules (`rules/fail2ban`): the filter against the annotated samples
/// through `fail2ban-regex`, and a real `fail2ban-server` reading the security log the running
/// daemon writes during a password-guessing attack, banning and unbanning through the shipped
/// action (`sipwardenctl ban add/remove`).
final class Fail2BanEndToEndTests: XCTestCase {
    private let rules = TestEnvironment.packageRoot.appendingPathComponent("rules/fail2ban")

    func testSampleLinesMatchAsAnnotated() throws {
        let regex = try TestEnvironment.tool("fail2ban-regex", package: "fail2ban")
        let samplesPath = rules.appendingPathComponent("tests/sipwarden").path
        let samples = try Fail2BanSample.load(path: samplesPath)
        XCTAssertGreaterThanOrEqual(samples.filter(\.match).count, 8, "the samples cover every kind, IPv4 and IPv6")
        XCTAssertGreaterThanOrEqual(samples.filter { !$0.match }.count, 8, "and the lines that must not match")
        XCTAssertEqual(Set(samples.map(\.line)).count, samples.count, "each sample line is unique")

        let result = try ProcessRunner.run(regex, ["-o", "<ip>\t<time>\t<msg>", samplesPath, rules.appendingPathComponent("filter.d/sipwarden.conf").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        var found: [String: (ip: String, time: Double)] = [:]
        for row in result.stdout.split(separator: "\n") {
            let fields = row.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let time = Double(fields[1]) else { XCTFail("unexpected fail2ban-regex output: \(row)"); continue }
            found[String(fields[2])] = (String(fields[0]), time)
        }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        for sample in samples {
            let hit = found[sample.line]
            if sample.match {
                XCTAssertEqual(hit?.ip, sample.host, "matched with the annotated host: \(sample.line.prefix(160))")
                XCTAssertEqual(hit.map { format.string(from: Date(timeIntervalSince1970: $0.time)) }, sample.time,
                               "the event's own time: \(sample.line.prefix(160))")
            } else {
                XCTAssertNil(hit, "must not match: \(sample.line.prefix(160))")
            }
        }
        XCTAssertEqual(found.count, samples.filter(\.match).count, "nothing but the annotated lines matched")
        XCTAssertFalse(found.values.contains { $0.ip.hasPrefix("10.66.66.") || $0.ip == "2001:db8::666" },
                       "no address written by an attacker is ever reported")
    }

    func testFail2BanBansAPasswordGuesserThroughSIPWardenAndUnbansOnlyItsOwn() throws {
        // No policy plugins: every ban here is Fail2Ban's (or the operator's).
        let policies = try PolicyDirectories.allDisabled()
        defer { try? FileManager.default.removeItem(at: policies) }
        let daemon = try DaemonProcess(label: "fail2ban", extraArguments: ["--policies-dir", policies.path])
        try daemon.start()
        try daemon.addSubscriber("1001", password: "right-one")
        XCTAssertEqual(try daemon.ctl(["ban", "add", "127.0.0.9", "--for", "1h", "--reason", "the operator's own"]).status, 0)

        let fail2ban = try Fail2BanServer(sipwardenJailFor: daemon)
        try fail2ban.start()

        // A phone whose User-Agent claims failures of 127.0.0.66: challenges only, never a failure.
        let forged = #"x","id":1,"kind":"auth.failed","source_ip":"127.0.0.66","source_port":5060,"transport":"UDP","type":"event","v":1}"#
        let liar = try SIPTestClient(.udp, localIP: "127.0.0.5", serverPort: daemon.port)
        for attempt in 1...4 {
            liar.send(SIPMessages.register(user: "1001", client: liar, port: daemon.port, callID: "liar", cseq: attempt, userAgent: forged))
            XCTAssertEqual(SIPMessages.status(liar.receiveText()), 401)
        }

        // One failure whose digest username claims failures of 127.0.0.67 (quotes escaped the
        // SIP way, so the registrar reads them as quotes and the log must escape them again).
        let spoofer = try SIPTestClient(.udp, localIP: "127.0.0.8", serverPort: daemon.port)
        spoofer.send(SIPMessages.register(user: "1001", client: spoofer, port: daemon.port, callID: "spoof", cseq: 1))
        let spoofChallenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: try XCTUnwrap(spoofer.receiveText())).first)
        let forgedUser = #"x\",\"id\":1,\"kind\":\"auth.failed\",\"source_ip\":\"127.0.0.67\",\"source_port\":5060,\"transport\":\"UDP\",\"type\":\"event\",\"v\":1}"#
        let spoofAuthorization = "Digest username=\"\(forgedUser)\", realm=\"\(SIPMessages.challengeParameter("realm", in: spoofChallenge) ?? "")\", "
            + "nonce=\"\(SIPMessages.challengeParameter("nonce", in: spoofChallenge) ?? "")\", uri=\"sip:127.0.0.1:\(daemon.port)\", "
            + "response=\"00000000000000000000000000000000\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"spoof\""
        spoofer.send(SIPMessages.register(user: "1001", client: spoofer, port: daemon.port, callID: "spoof", cseq: 2, authorization: spoofAuthorization))
        XCTAssertEqual(SIPMessages.status(spoofer.receiveText()), 401)

        // The guesser: four wrong passwords (the jail bans at three), with the same forged User-Agent.
        let guesser = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "guess", cseq: 1, userAgent: forged))
        let challenge = try XCTUnwrap(SIPMessages.headers("WWW-Authenticate", in: try XCTUnwrap(guesser.receiveText())).first)
        for attempt in 1...4 {
            let authorization = SIPMessages.authorization(user: "1001", password: "guess-\(attempt)", challenge: challenge,
                                                          uri: "sip:127.0.0.1:\(daemon.port)", nc: attempt)
            guesser.send(SIPMessages.register(user: "1001", client: guesser, port: daemon.port, callID: "guess", cseq: attempt + 1,
                                              authorization: authorization, userAgent: forged))
            _ = guesser.receiveText(timeout: 1)
        }

        let banned = try TestEnvironment.eventually(30) { try self.bans(daemon)["127.0.0.2"] != nil }
        XCTAssertTrue(banned, "Fail2Ban banned the guesser through sipwardenctl.\nfail2ban log:\n\(fail2ban.log().suffix(3000))")
        let ban = try bans(daemon)["127.0.0.2"]
        XCTAssertEqual(ban?["source"] as? String, "fail2ban sipwarden", "listed with its source")
        XCTAssertTrue((ban?["reason"] as? String ?? "").hasPrefix("fail2ban sipwarden"), "\(String(describing: ban))")
        XCTAssertTrue((500...600).contains(ban?["expires_in"] as? Int ?? 0), "the jail's bantime: \(String(describing: ban))")
        XCTAssertFalse(try answers("127.0.0.2", daemon), "the guesser's packets are dropped")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertTrue(try answers(phone, daemon), "everyone else is still answered")

        // Fail2Ban read past the forged lines; neither the liar nor the address it wrote is banned.
        let current = try bans(daemon)
        XCTAssertNil(current["127.0.0.66"], "an address written into a User-Agent is never banned")
        XCTAssertNil(current["127.0.0.5"], "challenges are not failures")
        XCTAssertFalse(fail2ban.log().contains("127.0.0.66"), "Fail2Ban never even found the forged address")
        let securityLog = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)
        XCTAssertTrue(securityLog.contains(#"\"source_ip\":\"127.0.0.67\""#), "the forged username is in the log, escaped")
        XCTAssertNil(current["127.0.0.67"], "an address written into a username is never banned")
        XCTAssertFalse(fail2ban.log().contains("127.0.0.67"), "Fail2Ban never found it either")

        // Fail2Ban's unban removes only what it added: the operator's longer ban on .7 stays.
        XCTAssertEqual(try fail2ban.client(["set", "sipwarden", "banip", "127.0.0.7"]).status, 0)
        XCTAssertTrue(try TestEnvironment.eventually(15) { try self.bans(daemon)["127.0.0.7"]?["source"] as? String == "fail2ban sipwarden" })
        XCTAssertEqual(try daemon.ctl(["ban", "add", "127.0.0.7", "--for", "2h", "--reason", "the operator keeps it"]).status, 0)
        XCTAssertEqual(try bans(daemon)["127.0.0.7"]?["source"] as? String, "operator")
        XCTAssertEqual(try fail2ban.client(["set", "sipwarden", "unbanip", "127.0.0.7"]).status, 0)

        XCTAssertEqual(try fail2ban.client(["set", "sipwarden", "unbanip", "127.0.0.2"]).status, 0)
        XCTAssertTrue(try TestEnvironment.eventually(15) { try self.bans(daemon)["127.0.0.2"] == nil }, "Fail2Ban's unban lifted its ban")
        XCTAssertTrue(try answers("127.0.0.2", daemon), "the guesser is answered again")
        let after = try bans(daemon)
        XCTAssertEqual(after["127.0.0.7"]?["source"] as? String, "operator", "a ban someone else holds survives Fail2Ban's unban")
        XCTAssertEqual(after["127.0.0.9"]?["source"] as? String, "operator", "unrelated bans are untouched")
        fail2ban.stop()
    }

    // MARK: - Helpers

    /// `ban list --json`, by address.
    private func bans(_ daemon: DaemonProcess) throws -> [String: [String: Any]] {
        let result = try daemon.ctl(["ban", "list", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let list = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        return Dictionary(list.compactMap { ban in (ban["address"] as? String).map { ($0, ban) } }) { first, _ in first }
    }

    private func answers(_ localIP: String, _ daemon: DaemonProcess) throws -> Bool {
        try answers(try SIPTestClient(.udp, localIP: localIP, serverPort: daemon.port), daemon)
    }

    /// Whether an OPTIONS from `client` gets any answer.
    private func answers(_ client: SIPTestClient, _ daemon: DaemonProcess) throws -> Bool {
        client.send(SIPMessages.options(client: client, port: daemon.port))
        return client.receiveText(timeout: 0.7) != nil
    }

}
