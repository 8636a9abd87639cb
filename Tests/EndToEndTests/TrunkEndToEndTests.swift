import Foundation
import XCTest

/// Trunks (outbound registrations) against a real registrar: a second SIPWarden daemon.
/// Daemon A holds the trunk; daemon B is the carrier's registrar, with the subscriber.
final class TrunkEndToEndTests: XCTestCase {
    /// B: a registrar granting at most 8 s, so refreshes come within seconds.
    private func upstream(_ label: String) throws -> DaemonProcess {
        let daemon = try DaemonProcess.started(label, yaml: "registrar:\n  min_expires: 4\n  default_expires: 8\n  max_expires: 8\n")
        try daemon.addSubscriber("alice", password: "s3cret-trunk")
        return daemon
    }

    /// A: the trunk's daemon, with short trunk delays.
    private func client(_ label: String) throws -> DaemonProcess {
        try DaemonProcess.started(label, yaml: "trunk_timing:\n  initial_delay_max: 2\n  refresh_margin: 2\n  backoff_base: 1\n  backoff_cap: 4\n")
    }

    /// `printf PASSWORD | sipwardenctl trunk add ...` (the password on standard input).
    private func addTrunk(_ daemon: DaemonProcess, _ arguments: [String], password: String) throws -> ProcessResult {
        let ctl = try TestEnvironment.program("sipwardenctl")
        let quoted = ([ctl, "--socket", daemon.socketPath, "trunk", "add"] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        return try ProcessRunner.run("/bin/sh", ["-c", "printf '%s\\n' '\(password)' | " + quoted])
    }

    private func json(_ daemon: DaemonProcess, _ arguments: [String]) throws -> Any {
        let result = try daemon.ctl(arguments + ["--json"])
        guard result.status == 0 else { throw SIPTestClientError("\(arguments) failed (\(result.status)): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    private func trunk(_ daemon: DaemonProcess, _ name: String) throws -> [String: Any] {
        try XCTUnwrap(try json(daemon, ["trunk", "show", name]) as? [String: Any])
    }

    private func binding(_ registrar: DaemonProcess) throws -> [String: Any]? {
        try registrar.registrations().first { ($0["aor"] as? String) == "sip:alice@127.0.0.1" }
    }

    func testTrunkRegistersToASecondDaemonRefreshesAndUnregistersWhenDisabled() throws {
        let registrar = try upstream("trunk-b")
        let daemon = try client("trunk-a")
        let added = try addTrunk(daemon, ["carrier", "--registrar", "sip:127.0.0.1:\(registrar.port)", "--user", "alice", "--password-stdin", "--expires", "8", "--json"], password: "s3cret-trunk")
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertFalse(added.stdout.contains("s3cret-trunk"), "the password is never printed")

        XCTAssertTrue(try TestEnvironment.eventually(15) { try binding(registrar) != nil }, "the trunk's binding appears at B:\n\(daemon.log())")
        XCTAssertTrue(try TestEnvironment.eventually(5) { try trunk(daemon, "carrier")["state"] as? String == "registered" })
        let info = try trunk(daemon, "carrier")
        XCTAssertEqual(info["granted_expires"] as? Int, 8)
        XCTAssertNotNil(info["last_success"] as? String)
        XCTAssertEqual(info["origin"] as? String, "operator")
        XCTAssertNil(info["password"], "no password key")
        let first = try XCTUnwrap(try binding(registrar))
        let firstCSeq = try XCTUnwrap(first["cseq"] as? Int)
        XCTAssertTrue((first["contact"] as? String)?.hasPrefix("sip:alice@127.0.0.1:") == true, "\(first)")

        // A refresh before the 8 s lapse: B sees a higher CSeq on the same Call-ID.
        XCTAssertTrue(try TestEnvironment.eventually(15) { (try binding(registrar)?["cseq"] as? Int ?? 0) > firstCSeq }, "refreshed:\n\(daemon.log())")
        XCTAssertEqual(try binding(registrar)?["call_id"] as? String, first["call_id"] as? String)

        // The carrier is trusted while the trunk exists, shown as the trunk's.
        let trusted = try XCTUnwrap(try json(daemon, ["trusted", "list"]) as? [[String: Any]])
        XCTAssertTrue(trusted.contains { ($0["cidr"] as? String) == "127.0.0.1" && ($0["origin"] as? String) == "trunk carrier" }, "\(trusted)")
        XCTAssertTrue(try daemon.ctlOK(["trunk", "list"]).contains("registered"))

        // Disabled: an un-REGISTER removes B's binding at once (not by expiry).
        let disabled = try XCTUnwrap(try json(daemon, ["trunk", "disable", "carrier"]) as? [String: Any])
        XCTAssertEqual(disabled["state"] as? String, "disabled")
        XCTAssertTrue(try TestEnvironment.eventually(3) { try binding(registrar) == nil }, "removed at B by the un-REGISTER")
        let securityLog = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)
        XCTAssertTrue(securityLog.contains("\"trunk.registered\""), securityLog)
        XCTAssertTrue(securityLog.contains("\"trunk.unregistered\""), securityLog)
        XCTAssertFalse(daemon.log().contains("s3cret-trunk"), "the password is never logged")

        // Enabled again, then removed: registered, then gone at B and from the list and trusted set.
        _ = try daemon.ctlOK(["trunk", "enable", "carrier"])
        XCTAssertTrue(try TestEnvironment.eventually(5) { try binding(registrar) != nil })
        _ = try daemon.ctlOK(["trunk", "remove", "carrier"])
        XCTAssertTrue(try TestEnvironment.eventually(3) { try binding(registrar) == nil })
        XCTAssertEqual((try json(daemon, ["trunk", "list"]) as? [Any])?.count, 0)
        XCTAssertTrue(try TestEnvironment.eventually(3) {
            ((try json(daemon, ["trusted", "list"]) as? [[String: Any]]) ?? []).allSatisfy { ($0["origin"] as? String) != "trunk carrier" }
        })
        XCTAssertNotEqual(try daemon.ctl(["trunk", "show", "carrier"]).status, 0)
    }

    func testWrongPasswordIsRejectedWithTheReasonAndNotRetriedInALoop() throws {
        let registrar = try upstream("trunk-b-reject")
        let daemon = try client("trunk-a-reject")
        let added = try addTrunk(daemon, ["bad", "--registrar", "sip:127.0.0.1:\(registrar.port)", "--user", "alice", "--password-stdin", "--expires", "8"], password: "wrong")
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(try TestEnvironment.eventually(10) { try trunk(daemon, "bad")["state"] as? String == "rejected" }, daemon.log())
        let info = try trunk(daemon, "bad")
        XCTAssertEqual(info["last_failure_code"] as? Int, 401)
        XCTAssertTrue((info["last_failure_reason"] as? String)?.contains("twice") == true, "\(info)")
        XCTAssertNil(try binding(registrar))
        let securityLog = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)
        XCTAssertTrue(securityLog.contains("\"trunk.rejected\""), securityLog)
        // B saw exactly the two refused answers (auth.failed): after the rejection A waits
        // rejected_retry (an hour by default) instead of guessing on.
        XCTAssertNotNil(info["next_attempt"] as? String)
        let upstreamLog = registrar.dataDirectory.appendingPathComponent("security.log")
        func refusals() -> Int {
            ((try? String(contentsOf: upstreamLog, encoding: .utf8)) ?? "").components(separatedBy: "\n").filter { $0.contains("\"auth.failed\"") }.count
        }
        XCTAssertTrue(TestEnvironment.eventually(5) { refusals() == 2 }, "B's security log: \(refusals()) auth.failed")
        _ = try daemon.ctlOK(["trunk", "list"])
        XCTAssertEqual(refusals(), 2)
    }

    func testRestartKeepsTheTrunksAndRegistersThemAgain() throws {
        let registrar = try upstream("trunk-b-restart")
        let daemon = try client("trunk-a-restart")
        let added = try addTrunk(daemon, ["carrier", "--registrar", "sip:127.0.0.1:\(registrar.port)", "--user", "alice", "--password-stdin", "--expires", "8"], password: "s3cret-trunk")
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(try TestEnvironment.eventually(10) { try binding(registrar) != nil })
        let before = try XCTUnwrap(try binding(registrar)?["call_id"] as? String)

        daemon.stop()
        XCTAssertTrue(try TestEnvironment.eventually(3) { try binding(registrar) == nil }, "the daemon's stop un-REGISTERs")
        let mode = try FileManager.default.attributesOfItem(atPath: daemon.dataDirectory.appendingPathComponent("sipwarden.sqlite").path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "the database holding the trunk password is the owner's only")

        try daemon.start()
        XCTAssertTrue(try TestEnvironment.eventually(10) { try binding(registrar) != nil }, "re-registered after the restart:\n\(daemon.log())")
        XCTAssertNotEqual(try binding(registrar)?["call_id"] as? String, before, "a new client instance")
        XCTAssertEqual(try trunk(daemon, "carrier")["origin"] as? String, "operator")
    }

    func testConfiguredTrunkRegistersAndCannotBeRemovedAtRunTime() throws {
        let registrar = try upstream("trunk-b-config")
        let yaml = """
            trunk_timing:
              initial_delay_max: 1
            trunks:
              - name: fromfile
                registrar: sip:127.0.0.1:\(registrar.port)
                username: alice
                password: s3cret-trunk
                expires: 8
            """
        let daemon = try DaemonProcess.started("trunk-a-config", yaml: yaml)
        XCTAssertTrue(try TestEnvironment.eventually(10) { try binding(registrar) != nil }, daemon.log())
        XCTAssertEqual(try trunk(daemon, "fromfile")["origin"] as? String, "config")
        let removal = try daemon.ctl(["trunk", "remove", "fromfile"])
        XCTAssertNotEqual(removal.status, 0)
        XCTAssertTrue(removal.stderr.contains("configuration file"), removal.stderr)
    }
}
