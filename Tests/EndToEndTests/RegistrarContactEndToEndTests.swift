import Foundation
import XCTest

/// Contact parameters and the registrar's operator commands against the real daemon: the 200
/// OK echoes what the phone registered (`+sip.instance`, `reg-id`...), the parameters survive a
/// restart and show in `registrations show`, a bare name registered under two domains is
/// ambiguous, `--contact` takes what `show` prints, `ip+port` from a wrong port is
/// `port_not_allowed`, `subscriber add` refuses to overwrite, and `subscriber export` imports back.
final class RegistrarContactEndToEndTests: XCTestCase {
    private var daemon: DaemonProcess!
    private let instance = "\"<urn:uuid:8f0e5c2a-1b7d-4c4e-9a51-0d7c1e2f1001>\""

    override func tearDown() {
        daemon = nil
    }

    /// A REGISTER without authentication (the daemon runs with `auth.required: false`) for
    /// `user@domain` with `contact`, from `client`; the answer's text.
    private func register(_ user: String, domain: String = "127.0.0.1", contact: String, from client: SIPTestClient,
                          callID: String, cseq: Int = 1, expires: Int = 600) throws -> String {
        var text = SIPMessages.register(user: user, client: client, port: daemon.port, callID: callID, cseq: cseq, expires: expires, contact: contact)
        text = text.replacingOccurrences(of: "<sip:\(user)@127.0.0.1>", with: "<sip:\(user)@\(domain)>")
        client.send(text)
        return try XCTUnwrap(client.receiveText(timeout: 5), "no answer to REGISTER \(user)@\(domain)")
    }

    private func openDaemon(_ label: String) throws {
        daemon = try DaemonProcess.started(label, yaml: "auth:\n  required: false\nregistrar:\n  min_expires: 2\n")
    }

    private func showJSON(_ aor: String) throws -> [String: Any] {
        let result = try daemon.ctl(["registrations", "show", aor, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    func testTheOKEchoesTheContactParametersAndTheyOutliveARestart() throws {
        try openDaemon("contact-params")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        let uri = "sip:1001@127.0.0.2:\(phone.localPort);transport=udp"
        let answer = try register("1001", contact: "<\(uri)>;+sip.instance=\(instance);reg-id=1;+sip.ice;expires=600", from: phone, callID: "params-1")
        XCTAssertEqual(SIPMessages.status(answer), 200)
        XCTAssertEqual(SIPMessages.headers("Contact", in: answer), ["<\(uri)>;+sip.instance=\(instance);reg-id=1;+sip.ice;expires=600"])

        let detail = try showJSON("1001")
        let binding = try XCTUnwrap((detail["bindings"] as? [[String: Any]])?.first)
        XCTAssertEqual(binding["contact"] as? String, uri, "the existing key is unchanged: the URI alone")
        XCTAssertEqual(binding["contact_parameters"] as? String, ";+sip.instance=\(instance);reg-id=1;+sip.ice")
        XCTAssertEqual(binding["instance"] as? String, "<urn:uuid:8f0e5c2a-1b7d-4c4e-9a51-0d7c1e2f1001>")
        XCTAssertEqual(binding["reg_id"] as? String, "1")
        let human = try daemon.ctlOK(["registrations", "show", "1001"])
        XCTAssertTrue(human.contains("instance      <urn:uuid:8f0e5c2a-1b7d-4c4e-9a51-0d7c1e2f1001> (reg-id 1)"), human)

        daemon.stop()
        try daemon.start()
        // A REGISTER without Contact is a query: the 200 lists the bindings.
        let bare = SIPMessages.register(user: "1001", client: phone, port: daemon.port, callID: "params-q2", cseq: 1, expires: nil)
            .components(separatedBy: "\r\n").filter { !$0.hasPrefix("Contact:") }.joined(separator: "\r\n")
        phone.send(bare)
        let listed = try XCTUnwrap(phone.receiveText(timeout: 5))
        XCTAssertEqual(SIPMessages.status(listed), 200)
        let contacts = SIPMessages.headers("Contact", in: listed)
        XCTAssertEqual(contacts.count, 1, listed)
        XCTAssertTrue(contacts.first?.hasPrefix("<\(uri)>;+sip.instance=\(instance);reg-id=1;+sip.ice;expires=") ?? false,
                      "after a restart the 200 still carries the parameters: \(contacts)")
        XCTAssertEqual((try showJSON("1001")["bindings"] as? [[String: Any]])?.first?["instance"] as? String,
                       "<urn:uuid:8f0e5c2a-1b7d-4c4e-9a51-0d7c1e2f1001>")
    }

    func testTheSameInstanceFromANewPortReplacesItsBinding() throws {
        try openDaemon("contact-rebind")
        let before = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        let after = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(SIPMessages.status(try register(
            "1001", contact: "<sip:1001@127.0.0.2:\(before.localPort)>;+sip.instance=\(instance);reg-id=1", from: before, callID: "nat-1")), 200)
        let rebound = try register("1001", contact: "<sip:1001@127.0.0.2:\(after.localPort)>;+sip.instance=\(instance);reg-id=1",
                                   from: after, callID: "nat-2")
        XCTAssertEqual(SIPMessages.status(rebound), 200)
        XCTAssertEqual(SIPMessages.headers("Contact", in: rebound).count, 1, rebound)
        let contacts = try daemon.registrations().compactMap { $0["contact"] as? String }
        XCTAssertEqual(contacts, ["sip:1001@127.0.0.2:\(after.localPort)"])
    }

    func testABareNameUnderTwoDomainsIsAmbiguous() throws {
        try openDaemon("contact-ambiguous")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(SIPMessages.status(try register("1001", domain: "a.example", contact: "<sip:1001@127.0.0.2:\(phone.localPort)>", from: phone, callID: "amb-a")), 200)
        XCTAssertEqual(SIPMessages.status(try register("1001", domain: "b.example", contact: "<sip:1001@127.0.0.2:\(phone.localPort)>", from: phone, callID: "amb-b")), 200)
        let show = try daemon.ctl(["registrations", "show", "1001"])
        XCTAssertEqual(show.status, 1, show.stdout)
        XCTAssertTrue(show.stderr.contains("'1001' is ambiguous: it is registered as sip:1001@a.example, sip:1001@b.example"), show.stderr)
        XCTAssertFalse(show.stderr.contains("no bindings"), show.stderr)
        let unregister = try daemon.ctl(["registrations", "unregister", "1001"])
        XCTAssertEqual(unregister.status, 1)
        XCTAssertTrue(unregister.stderr.contains("ambiguous"), unregister.stderr)
        XCTAssertEqual(try daemon.registrations().count, 2, "an ambiguous name removes nothing")
        XCTAssertEqual(try showJSON("sip:1001@b.example")["aor"] as? String, "sip:1001@b.example")
        XCTAssertEqual(try daemon.ctl(["registrations", "show", "9999"]).status, 1, "an unknown name is still 'no bindings'")
    }

    func testUnregisterTakesTheContactAsShowPrintsIt() throws {
        try openDaemon("contact-unregister")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        let other = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: daemon.port)
        XCTAssertEqual(SIPMessages.status(try register(
            "1001", contact: "<sip:1001@127.0.0.2:\(phone.localPort);transport=udp>;+sip.instance=\(instance);reg-id=1", from: phone, callID: "u-1")), 200)
        XCTAssertEqual(SIPMessages.status(try register("1001", contact: "<sip:1001@127.0.0.3:\(other.localPort)>", from: other, callID: "u-2")), 200)
        let human = try daemon.ctlOK(["registrations", "show", "1001"])
        let printed = try XCTUnwrap(human.components(separatedBy: "\n").first { $0.contains("contact") && $0.contains("127.0.0.2") }?
            .trimmingCharacters(in: .whitespaces).dropFirst("contact".count).trimmingCharacters(in: .whitespaces), human)
        XCTAssertTrue(printed.hasSuffix(";+sip.instance=\(instance);reg-id=1"), printed)
        let wrong = try daemon.ctl(["registrations", "unregister", "1001", "--contact", printed + ";x=1"])
        XCTAssertEqual(wrong.status, 1, "a contact that is not the printed one matches nothing")
        let removed = try daemon.ctl(["registrations", "unregister", "1001", "--contact", printed, "--json"])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        let contacts = try daemon.registrations().compactMap { $0["contact"] as? String }
        XCTAssertEqual(contacts, ["sip:1001@127.0.0.3:\(other.localPort)"])
        XCTAssertEqual(try daemon.ctl(["registrations", "unregister", "1001", "--contact", "sip:1001@127.0.0.3:\(other.localPort)"]).status, 0,
                       "the bare URI still works")
        XCTAssertTrue(try daemon.registrations().isEmpty)
    }

    func testIPPortPhoneFromAWrongPortIsDeniedAsPortNotAllowed() throws {
        daemon = try DaemonProcess.started("contact-port", yaml: "registrar:\n  min_expires: 2\n")
        _ = try daemon.ctlOK(["subscriber", "add", "3001", "--auth-mode", "ip+port"])
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        let otherPort = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        _ = try daemon.ctlOK(["allow", "add", "3001", "127.0.0.2", "--port", String(phone.localPort)])
        otherPort.send(SIPMessages.register(user: "3001", client: otherPort, port: daemon.port, callID: "wrong-port", cseq: 1))
        XCTAssertEqual(SIPMessages.status(otherPort.receiveText(timeout: 5)), 403)
        XCTAssertTrue(try TestEnvironment.eventually(5) {
            RegistrationTestSupport.securityEvents(self.daemon).contains {
                $0["kind"] as? String == "acl.denied" && $0["detail"] as? String == "port_not_allowed"
            }
        }, "acl.denied with detail port_not_allowed: \(RegistrationTestSupport.securityEvents(daemon).suffix(3))")
    }

    func testSubscriberAddRefusesToOverwriteUnlessReplaceAndThenKeepsModeAndRanges() throws {
        daemon = try DaemonProcess.started("subscriber-replace", yaml: "registrar:\n  min_expires: 2\n")
        _ = try daemon.ctlOK(["subscriber", "add", "1001", "--password", "old", "--account", "acme", "--auth-mode", "password+ip"])
        _ = try daemon.ctlOK(["allow", "add", "1001", "127.0.0.2"])
        let refused = try daemon.ctl(["subscriber", "add", "1001", "--password", "new"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains(
            "subscriber 1001 exists; use --replace to set a new password (auth mode and ranges are kept), or subscriber passwd"), refused.stderr)
        let replaced = try daemon.ctl(["subscriber", "add", "1001", "--password", "new", "--replace"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertTrue(replaced.stdout.hasPrefix("Replaced subscriber 1001"), replaced.stdout)
        let shown = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["subscriber", "show", "1001", "--json"]).utf8)) as? [String: Any])
        let subscriber = try XCTUnwrap(shown["subscriber"] as? [String: Any])
        XCTAssertEqual(subscriber["auth_mode"] as? String, "password+ip")
        XCTAssertEqual(subscriber["account"] as? String, "acme")
        XCTAssertEqual((shown["allowed"] as? [[String: Any]])?.compactMap { $0["cidr"] as? String }, ["127.0.0.2"])
        let inside = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "new", client: inside, port: daemon.port), 200, "the new password works")
        let fresh = try daemon.ctl(["subscriber", "add", "1002", "--password", "pw", "--replace"])
        XCTAssertTrue(fresh.stdout.hasPrefix("Added subscriber 1002"), "--replace on a new name just adds: \(fresh.stdout)")
    }

    func testSubscriberExportImportsBackToTheSamePassword() throws {
        daemon = try DaemonProcess.started("subscriber-export", yaml: "registrar:\n  min_expires: 2\n")
        _ = try daemon.ctlOK(["subscriber", "add", "1001", "--password", "s3cret", "--account", "acme", "--display-name", "Front desk"])
        _ = try daemon.ctlOK(["subscriber", "add", "2001", "--auth-mode", "ip"])
        let file = try TestEnvironment.temporaryDirectory("export").appendingPathComponent("subscribers.csv")
        let said = try daemon.ctlOK(["subscriber", "export", "--output", file.path])
        XCTAssertEqual(said, "Exported 2 subscribers to \(file.path).\n")
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertFalse(text.contains("s3cret"), "no password in the file")
        XCTAssertTrue(text.contains("\nuser;password;domain;account;display_name;auth_mode;realm;ha1_md5;ha1_sha256\n"), text)
        XCTAssertTrue(text.contains("\n1001;;;acme;Front desk;password;sipwarden;"), text)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)

        _ = try daemon.ctlOK(["subscriber", "remove", "1001"])
        _ = try daemon.ctlOK(["subscriber", "remove", "2001"])
        XCTAssertEqual(try daemon.ctlOK(["subscriber", "list", "--json"]).trimmingCharacters(in: .whitespacesAndNewlines), "[]")
        _ = try daemon.ctlOK(["subscriber", "import", file.path])
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "s3cret", client: phone, port: daemon.port), 200,
                       "the imported digests answer the old password")
        let listed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["subscriber", "list", "--json"]).utf8)) as? [[String: Any]])
        XCTAssertEqual(listed.map { $0["username"] as? String }, ["1001", "2001"])
        XCTAssertEqual(listed.first?["display_name"] as? String, "Front desk")
        XCTAssertEqual(listed.last?["auth_mode"] as? String, "ip")
        let again = try daemon.ctlOK(["subscriber", "export"])
        XCTAssertEqual(again.components(separatedBy: "\n").dropFirst(2), text.components(separatedBy: "\n").dropFirst(2),
                       "export, import, export: the same lines")

        // Digests for another realm cannot authenticate here: refused, nothing imported.
        let foreign = try TestEnvironment.temporaryDirectory("export").appendingPathComponent("foreign.csv")
        try text.replacingOccurrences(of: ";sipwarden;", with: ";elsewhere;").write(to: foreign, atomically: true, encoding: .utf8)
        _ = try daemon.ctlOK(["subscriber", "remove", "1001"])
        let refused = try daemon.ctl(["subscriber", "import", foreign.path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("realm 'elsewhere'"), refused.stderr)
        XCTAssertFalse(try daemon.ctlOK(["subscriber", "list", "--json"]).contains("\"1001\""))
    }
}
