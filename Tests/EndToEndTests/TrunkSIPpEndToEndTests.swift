import Foundation
import XCTest

/// Trunks against SIPp playing the carrier's registrar (UAS scenarios in Tests/Fixtures/sipp),
/// and against a registrar that is not there at first.
final class TrunkSIPpEndToEndTests: XCTestCase {
    private func client(_ label: String, rejectedRetry: Int = 3600) throws -> DaemonProcess {
        try DaemonProcess.started(
            label, yaml: "trunk_timing:\n  initial_delay_max: 1\n  refresh_margin: 2\n  backoff_base: 1\n  backoff_cap: 4\n  rejected_retry: \(rejectedRetry)\n")
    }

    /// SIPp as a UAS on 127.0.0.1:`port` running `scenario` once, in the background.
    private func carrier(_ scenario: String, port: Int) throws -> Process {
        let sipp = try TestEnvironment.tool("sipp", package: "sip-tester")
        let file = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/sipp/\(scenario)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sipp)
        process.arguments = ["-sf", file, "-i", "127.0.0.1", "-p", "\(port)", "-m", "1", "-nostdin", "-timeout", "60s", "-trace_err"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.currentDirectoryURL = try TestEnvironment.temporaryDirectory("sipp-\(scenario)")
        try process.run()
        usleep(300_000)
        return process
    }

    private func addTrunk(_ daemon: DaemonProcess, port: Int, password: String = "pw") throws {
        let ctl = try TestEnvironment.program("sipwardenctl")
        let command = [ctl, "--socket", daemon.socketPath, "trunk", "add", "carrier", "--registrar", "sip:127.0.0.1:\(port)", "--user", "alice", "--password-stdin"]
        let result = try ProcessRunner.run("/bin/sh", ["-c", "printf '%s\\n' '\(password)' | " + command.map { "'\($0)'" }.joined(separator: " ")])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    private func trunk(_ daemon: DaemonProcess) throws -> [String: Any] {
        let result = try daemon.ctl(["trunk", "show", "carrier", "--json"])
        guard result.status == 0 else { throw SIPTestClientError("trunk show failed: \(result.stderr)") }
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    func test503WithRetryAfterIsRetriedNoSoonerThenRegisters() throws {
        let port = SIPTestClient.freePort()
        let sipp = try carrier("trunk_503_then_200.xml", port: port)
        defer { if sipp.isRunning { sipp.terminate() } }
        let daemon = try client("trunk-sipp-503")
        try addTrunk(daemon, port: port)
        var sawRetrying: [String: Any] = [:]
        XCTAssertTrue(try TestEnvironment.eventually(5) {
            let info = try trunk(daemon)
            if info["state"] as? String == "retrying" { sawRetrying = info }
            return !sawRetrying.isEmpty
        }, daemon.log())
        XCTAssertEqual(sawRetrying["last_failure_code"] as? Int, 503)
        let failedAt = try XCTUnwrap(RFC3339Seconds.parse(sawRetrying["last_failure"] as? String))
        let nextAt = try XCTUnwrap(RFC3339Seconds.parse(sawRetrying["next_attempt"] as? String))
        XCTAssertGreaterThanOrEqual(nextAt - failedAt, 2, "Retry-After: 3 honoured (times in whole seconds)")
        XCTAssertTrue(try TestEnvironment.eventually(10) { try trunk(daemon)["state"] as? String == "registered" }, daemon.log())
        XCTAssertEqual(try trunk(daemon)["granted_expires"] as? Int, 60)
        XCTAssertEqual(try trunk(daemon)["consecutive_failures"] as? Int, 0)
        sipp.waitUntilExit()
        XCTAssertEqual(sipp.terminationStatus, 0, "the SIPp scenario ran to its end")
    }

    func test401ToEveryAnswerRejectsTheTrunkAfterTwoRefusals() throws {
        let port = SIPTestClient.freePort()
        let sipp = try carrier("trunk_401_always.xml", port: port)
        defer { if sipp.isRunning { sipp.terminate() } }
        let daemon = try client("trunk-sipp-401")
        try addTrunk(daemon, port: port, password: "wrong")
        XCTAssertTrue(try TestEnvironment.eventually(10) { try trunk(daemon)["state"] as? String == "rejected" }, daemon.log())
        let info = try trunk(daemon)
        XCTAssertEqual(info["last_failure_code"] as? Int, 401)
        XCTAssertTrue((info["last_failure_reason"] as? String)?.contains("realm \"carrier.test\"") == true, "\(info)")
        sipp.waitUntilExit()
        XCTAssertEqual(sipp.terminationStatus, 0, "exactly three REGISTERs: no retry loop on refused credentials")
    }

    func testSilentRegistrarBacksOffThenRecoversWhenItComesUp() throws {
        let port = SIPTestClient.freePort()
        // A REGISTER reaching the registrar before its subscriber is added is refused: the
        // short rejected_retry keeps that race from failing the test.
        let daemon = try client("trunk-silent", rejectedRetry: 2)
        try addTrunk(daemon, port: port, password: "s3cret-trunk")
        // Nothing listens: timer F (32 s) expires, the trunk retries with backoff.
        XCTAssertTrue(try TestEnvironment.eventually(45) { try trunk(daemon)["state"] as? String == "retrying" }, daemon.log())
        let failed = try trunk(daemon)
        XCTAssertNil(failed["last_failure_code"] as? Int)
        XCTAssertEqual(failed["last_failure_reason"] as? String, "timeout: no response")
        // The registrar comes up on that port: the next retry registers.
        let registrar = try DaemonProcess(label: "trunk-silent-b", port: port)
        try registrar.start()
        try registrar.addSubscriber("alice", password: "s3cret-trunk")
        XCTAssertTrue(try TestEnvironment.eventually(45) { try trunk(daemon)["state"] as? String == "registered" }, daemon.log())
        XCTAssertTrue(try registrar.registrations().contains { ($0["aor"] as? String) == "sip:alice@127.0.0.1" })
    }
}

/// RFC 3339 times as the control API writes them, to whole seconds since the epoch.
enum RFC3339Seconds {
    static func parse(_ text: String?) -> Int? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text).map { Int($0.timeIntervalSince1970) }
    }
}
