import Foundation
import XCTest

/// A trunk against Kamailio from Debian's packages as the carrier's registrar, configured
/// with a Min-Expires (Tests/Fixtures/kamailio/trunk-registrar.cfg): the trunk asks for 60 s,
/// gets 423 Interval Too Brief, and registers with the 120 s Kamailio demands.
final class TrunkKamailioEndToEndTests: XCTestCase {
    func testKamailio423MinExpiresIsHonouredAndKept() throws {
        let kamailio = try TestEnvironment.tool("kamailio", package: "kamailio")
        let port = SIPTestClient.freePort()
        let run = try TestEnvironment.temporaryDirectory("kamailio-trunk")
        let log = run.appendingPathComponent("kamailio.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let server = try BackgroundPeer.start([
            kamailio, "-f", TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/kamailio/trunk-registrar.cfg").path,
            "-DD", "-E", "-n", "1", "-m", "64", "-M", "8", "-l", "udp:127.0.0.1:\(port)", "-Y", run.path,
            "-P", run.appendingPathComponent("kamailio.pid").path,
        ], log: log)
        defer { server.stop() }
        usleep(500_000)
        XCTAssertTrue(server.isRunning, "kamailio did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")

        let daemon = try DaemonProcess.started("trunk-kamailio", yaml: "trunk_timing:\n  initial_delay_max: 1\n")
        let ctl = try TestEnvironment.program("sipwardenctl")
        let command = [ctl, "--socket", daemon.socketPath, "trunk", "add", "kam", "--registrar", "sip:127.0.0.1:\(port)", "--user", "alice",
                       "--password-stdin", "--expires", "60"]
        let added = try ProcessRunner.run("/bin/sh", ["-c", "printf '%s\\n' 's3cret-trunk' | " + command.map { "'\($0)'" }.joined(separator: " ")])
        XCTAssertEqual(added.status, 0, added.stderr)

        func show() throws -> [String: Any] {
            let result = try daemon.ctl(["trunk", "show", "kam", "--json"])
            return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
        }
        XCTAssertTrue(try TestEnvironment.eventually(10) { try show()["state"] as? String == "registered" },
                      "\((try? show()) ?? [:])\n\(daemon.log().suffix(2000))\n\((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
        let info = try show()
        XCTAssertEqual(info["expires"] as? Int, 120, "the Min-Expires of the 423 is what the trunk asks for now")
        XCTAssertEqual(info["granted_expires"] as? Int, 120)
        XCTAssertEqual(info["consecutive_failures"] as? Int, 0)
        let kamailioLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertTrue(kamailioLog.contains("trunk-test: REGISTER from sip:alice@127.0.0.1 expires 120 accepted"), kamailioLog.suffix(2000).description)
    }
}
