import Foundation
import XCTest

/// RFC 3263 SRV for a trunk whose registrar is a domain without a port, against dnsmasq
/// (Debian's dnsmasq-base) as the nameserver: priorities are followed and a 503 from the first
/// target fails over to the next at once.
final class TrunkDNSEndToEndTests: XCTestCase {
    func testSRVTargetsAreTriedInPriorityOrderAndA503FailsOver() throws {
        let dnsmasq = try TestEnvironment.tool("dnsmasq", package: "dnsmasq-base")
        let sipp = try TestEnvironment.tool("sipp", package: "sip-tester")
        let first = SIPTestClient.freePort()
        let registrar = try DaemonProcess.started("trunk-dns-b", yaml: "registrar:\n  min_expires: 4\n  default_expires: 60\n")
        try registrar.addSubscriber("alice", password: "s3cret-trunk")
        let dnsPort = SIPTestClient.freePort()
        let dns = try BackgroundPeer.start([
            dnsmasq, "--no-daemon", "--port=\(dnsPort)", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
            "--pid-file=", "--user=root",
            "--srv-host=_sip._udp.carrier.test,sbc1.carrier.test,\(first),10,10",
            "--srv-host=_sip._udp.carrier.test,sbc2.carrier.test,\(registrar.port),20,10",
            "--host-record=sbc1.carrier.test,127.0.0.1", "--host-record=sbc2.carrier.test,127.0.0.1",
        ], log: try TestEnvironment.temporaryDirectory("dnsmasq").appendingPathComponent("dnsmasq.log"))
        defer { dns.stop() }
        usleep(300_000)

        let uas = Process()
        uas.executableURL = URL(fileURLWithPath: sipp)
        uas.arguments = ["-sf", TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/sipp/trunk_503_once.xml").path,
                         "-i", "127.0.0.1", "-p", "\(first)", "-m", "1", "-nostdin", "-timeout", "30s"]
        uas.standardOutput = FileHandle.nullDevice
        uas.standardError = FileHandle.nullDevice
        uas.currentDirectoryURL = try TestEnvironment.temporaryDirectory("sipp-dns")
        try uas.run()
        defer { if uas.isRunning { uas.terminate() } }
        usleep(300_000)

        let daemon = try DaemonProcess.started(
            "trunk-dns-a", yaml: "trunk_timing:\n  initial_delay_max: 1\n  nameserver: 127.0.0.1:\(dnsPort)\n")
        let ctl = try TestEnvironment.program("sipwardenctl")
        let command = [ctl, "--socket", daemon.socketPath, "trunk", "add", "carrier", "--registrar", "sip:carrier.test", "--user", "alice", "--password-stdin"]
        let added = try ProcessRunner.run("/bin/sh", ["-c", "printf '%s\\n' 's3cret-trunk' | " + command.map { "'\($0)'" }.joined(separator: " ")])
        XCTAssertEqual(added.status, 0, added.stderr)

        XCTAssertTrue(try TestEnvironment.eventually(15) {
            try registrar.registrations().contains { ($0["aor"] as? String) == "sip:alice@carrier.test" }
        }, "registered at the second SRV target:\n\(daemon.log())")
        XCTAssertTrue(TestEnvironment.eventually(35) { !uas.isRunning }, "SIPp ends after its one 503")
        XCTAssertEqual(uas.isRunning ? -1 : uas.terminationStatus, 0, "the first target (priority 10) got the first REGISTER and answered 503")
        let show = try daemon.ctl(["trunk", "show", "carrier", "--json"])
        let info = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(info["state"] as? String, "registered")
        XCTAssertEqual(info["last_failure_code"] as? Int, 503)
        XCTAssertEqual(info["addresses"] as? [String], ["127.0.0.1"], "both targets are 127.0.0.1, trusted once")
    }
}
