import Foundation
import XCTest

/// TCP trunks against a real registrar: daemon B (a second SIPWarden, listening on UDP and TCP
/// 127.0.0.1) is the carrier; daemon A registers to it over one kept-open TCP connection.
final class TrunkTCPEndToEndTests: XCTestCase {
    /// B: a registrar granting at most 8 s, so refreshes come within seconds.
    private func upstream(_ label: String) throws -> DaemonProcess {
        let daemon = try DaemonProcess.started(label, yaml: "registrar:\n  min_expires: 4\n  default_expires: 8\n  max_expires: 8\n")
        try daemon.addSubscriber("alice", password: "s3cret-trunk")
        return daemon
    }

    private func json(_ daemon: DaemonProcess, _ arguments: [String]) throws -> Any {
        let result = try daemon.ctl(arguments + ["--json"])
        guard result.status == 0 else { throw SIPTestClientError("\(arguments) failed (\(result.status)): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    private func trunk(_ daemon: DaemonProcess, _ name: String) throws -> [String: Any] {
        try XCTUnwrap(try json(daemon, ["trunk", "show", name]) as? [String: Any])
    }

    private func bindings(_ registrar: DaemonProcess) throws -> [[String: Any]] {
        try registrar.registrations().filter { ($0["aor"] as? String) == "sip:alice@127.0.0.1" }
    }

    private func binding(_ registrar: DaemonProcess) throws -> [String: Any]? { try bindings(registrar).first }

    func testTCPTrunkRegistersOverOneConnectionRefreshesOnItAndUnregistersWhenDisabled() throws {
        let registrar = try upstream("trunk-tcp-b")
        let daemon = try DaemonProcess.started(
            "trunk-tcp-a", yaml: "trunk_timing:\n  initial_delay_max: 2\n  refresh_margin: 2\n  backoff_base: 1\n  backoff_cap: 4\n")
        let ctl = try TestEnvironment.program("sipwardenctl")
        let command = [ctl, "--socket", daemon.socketPath, "trunk", "add", "carrier", "--registrar", "sip:127.0.0.1:\(registrar.port)",
                       "--user", "alice", "--password-stdin", "--expires", "8", "--transport", "tcp", "--json"]
        let added = try ProcessRunner.run("/bin/sh", ["-c", "printf '%s\\n' 's3cret-trunk' | " + command.map { "'" + $0 + "'" }.joined(separator: " ")])
        XCTAssertEqual(added.status, 0, "tcp is accepted now: \(added.stderr)")

        XCTAssertTrue(try TestEnvironment.eventually(45) { try binding(registrar) != nil }, "the trunk's binding appears at B:\n\(daemon.log())")
        XCTAssertTrue(try TestEnvironment.eventually(20) { try trunk(daemon, "carrier")["state"] as? String == "registered" }, daemon.log())
        let first = try XCTUnwrap(try binding(registrar))
        XCTAssertEqual(first["transport"] as? String, "TCP", "B got the REGISTER over TCP: \(first)")
        let contact = try XCTUnwrap(first["contact"] as? String)
        XCTAssertTrue(contact.hasPrefix("sip:alice@127.0.0.1:") && contact.hasSuffix(";transport=tcp"), contact)
        let source = try XCTUnwrap(first["source"] as? String)
        XCTAssertTrue(contact.hasPrefix("sip:alice@" + source + ";"), "the Contact names the connection's own end \(source): \(contact)")
        let firstCSeq = try XCTUnwrap(first["cseq"] as? Int)

        // A refresh before the 8 s lapse, over the same connection: same source port, Contact and Call-ID.
        XCTAssertTrue(try TestEnvironment.eventually(45) { (try binding(registrar)?["cseq"] as? Int ?? 0) > firstCSeq }, "refreshed:\n\(daemon.log())")
        let refreshed = try XCTUnwrap(try binding(registrar))
        XCTAssertEqual(refreshed["transport"] as? String, "TCP")
        XCTAssertEqual(refreshed["source"] as? String, source, "the connection stays open between refreshes")
        XCTAssertEqual(refreshed["call_id"] as? String, first["call_id"] as? String)
        XCTAssertEqual(try bindings(registrar).count, 1)

        // Disabled: the un-REGISTER removes B's binding at once, then the connection closes.
        let disabled = try XCTUnwrap(try json(daemon, ["trunk", "disable", "carrier"]) as? [String: Any])
        XCTAssertEqual(disabled["state"] as? String, "disabled")
        XCTAssertTrue(try TestEnvironment.eventually(15) { try binding(registrar) == nil }, "removed at B by the un-REGISTER")
        XCTAssertTrue(TestEnvironment.eventually(15) { daemon.log().contains("trunks: TCP connection closed") }, daemon.log())
        let securityLog = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)
        XCTAssertTrue(securityLog.contains("\"trunk.registered\""), securityLog)
        XCTAssertTrue(securityLog.contains("\"trunk.unregistered\""), securityLog)
        XCTAssertTrue(securityLog.contains("\"transport\":\"TCP\""), securityLog)

        // Enabled again (a new connection), then removed.
        _ = try daemon.ctlOK(["trunk", "enable", "carrier"])
        XCTAssertTrue(try TestEnvironment.eventually(20) { try binding(registrar)?["transport"] as? String == "TCP" })
        _ = try daemon.ctlOK(["trunk", "remove", "carrier"])
        XCTAssertTrue(try TestEnvironment.eventually(15) { try binding(registrar) == nil })
    }

    func testConfiguredTCPTrunkReconnectsAfterTheRegistrarRestarts() throws {
        let registrar = try upstream("trunk-tcp-b-restart")
        let yaml = """
            trunk_timing:
              initial_delay_max: 1
              backoff_base: 1
              backoff_cap: 2
            trunks:
              - name: fromfile
                registrar: sip:127.0.0.1:\(registrar.port)
                username: alice
                password: s3cret-trunk
                transport: tcp
                expires: 8
            """
        let daemon = try DaemonProcess.started("trunk-tcp-a-restart", yaml: yaml)
        XCTAssertTrue(try TestEnvironment.eventually(30) { try binding(registrar)?["transport"] as? String == "TCP" }, daemon.log())
        let before = try XCTUnwrap(try binding(registrar)?["source"] as? String)

        // B goes away: A's connection closes, the trunk backs off and retries.
        registrar.stop()
        XCTAssertTrue(try TestEnvironment.eventually(20) { try trunk(daemon, "fromfile")["state"] as? String == "retrying" }, daemon.log())
        XCTAssertTrue(daemon.log().contains("trunks: TCP connection lost"), daemon.log())

        // B is back on the same port: a new connection, a new Contact, the old one removed.
        try registrar.start()
        XCTAssertTrue(try TestEnvironment.eventually(45) {
            let now = try bindings(registrar)
            return now.count == 1 && (now[0]["source"] as? String).map { $0 != before } == true
        }, "re-registered over a new connection:\n\(daemon.log())\n\((try? bindings(registrar)) ?? [])")
        XCTAssertEqual(try binding(registrar)?["transport"] as? String, "TCP")
        XCTAssertTrue(try TestEnvironment.eventually(20) { try trunk(daemon, "fromfile")["state"] as? String == "registered" })
    }

    /// A TCP trunk to a domain without a port looks up `_sip._tcp` (dnsmasq as the nameserver);
    /// `_sip._udp` names a port nobody listens on, so using it would never register.
    func testTCPTrunkToADomainUsesTheSipTcpSRVRecord() throws {
        let dnsmasq = try TestEnvironment.tool("dnsmasq", package: "dnsmasq-base")
        let registrar = try upstream("trunk-tcp-dns-b")
        let dead = SIPTestClient.freePort()
        let dnsPort = SIPTestClient.freePort()
        let dns = try BackgroundPeer.start([
            dnsmasq, "--no-daemon", "--port=\(dnsPort)", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
            "--pid-file=", "--user=root",
            "--srv-host=_sip._udp.carrier.test,sbc.carrier.test,\(dead),10,10",
            "--srv-host=_sip._tcp.carrier.test,sbc.carrier.test,\(registrar.port),10,10",
            "--host-record=sbc.carrier.test,127.0.0.1",
        ], log: try TestEnvironment.temporaryDirectory("dnsmasq-tcp").appendingPathComponent("dnsmasq.log"))
        defer { dns.stop() }
        usleep(300_000)

        let daemon = try DaemonProcess.started(
            "trunk-tcp-dns-a", yaml: "trunk_timing:\n  initial_delay_max: 1\n  nameserver: 127.0.0.1:\(dnsPort)\n")
        let ctl = try TestEnvironment.program("sipwardenctl")
        let command = [ctl, "--socket", daemon.socketPath, "trunk", "add", "carrier", "--registrar", "sip:carrier.test", "--user", "alice",
                       "--password-stdin", "--transport", "tcp"]
        let added = try ProcessRunner.run("/bin/sh", ["-c", "printf '%s\\n' 's3cret-trunk' | " + command.map { "'\($0)'" }.joined(separator: " ")])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(try TestEnvironment.eventually(45) {
            try registrar.registrations().contains { ($0["aor"] as? String) == "sip:alice@carrier.test" && ($0["transport"] as? String) == "TCP" }
        }, "registered over TCP at the _sip._tcp target:\n\(daemon.log())")
        XCTAssertEqual(try trunk(daemon, "carrier")["state"] as? String, "registered")
    }
}
