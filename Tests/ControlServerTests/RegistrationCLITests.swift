import ControlAPI
import Foundation
import XCTest

/// `sipwardenctl registrations list --csv` and the sanitising of hostile text, run as a
/// subprocess against a real control server with a fake service (the daemon's filtering
/// is covered end to end in EndToEndTests).
final class RegistrationCLITests: ControlServerTestCase {
    /// What one run printed.
    struct CLIRun: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the CLI on a thread of its own (the control server answers on the test's loops).
    private func run(_ arguments: [String]) async throws -> CLIRun {
        let executable = try ControlCLITests.binary()
        let arguments = ["--socket", socketPath] + arguments
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                let out = Pipe(), err = Pipe()
                process.standardOutput = out
                process.standardError = err
                do { try process.run() } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let errors = LockedData()
                let reader = Thread { errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
                reader.start()
                let output = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                while !errors.isSet { usleep(1000) }
                continuation.resume(returning: CLIRun(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                                                      stderr: String(decoding: errors.value, as: UTF8.self)))
            }.start()
        }
    }

    func testCSVQuotesWhatNeedsQuotingAndKeepsNullsEmpty() async throws {
        var bindings = ControlFixtures.bindings()
        bindings[0].userAgent = "Evil, \"Inc\"\r\nphone"
        bindings[0].account = "acme"
        service.bindings = bindings
        let result = try await run(["registrations", "list", "--csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "aor,contact,expires_in,source,transport,user_agent,registered_at,nat,call_id,cseq,q,received,updated_at,status,account")
        XCTAssertEqual(Set(lines[0].split(separator: ",").map(String.init)), ControlFixtures.registrationKeys, "the columns are the JSON keys")
        XCTAssertTrue(result.stdout.contains(",\"Evil, \"\"Inc\"\"\r\nphone\",2026-11-26T23:59:01Z,true,"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(",c2,4294967295,,[2001:db8::1]:5060,2000-02-29T12:01:00Z,registered,\r\n"),
                      "null q, user agent and account are empty fields: \(result.stdout)")
    }

    func testFiltersAreCheckedBeforeTheDaemonIsAsked() async throws {
        service.failure = FakeFailure()  // any request that reached the service would fail with 1
        let bad = try await run(["registrations", "list", "--ip", "10.0.0.300"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.hasPrefix("sipwardenctl: --ip: '10.0.0.300' is not an IP address or CIDR range; give one such as"), bad.stderr)
        let help = try await run(["registrations", "unregister", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Examples:") && help.stdout.contains("--dry-run"), help.stdout)
        for command in ["list", "show", "export", "watch"] {
            let commandHelp = try await run(["registrations", command, "--help"])
            XCTAssertTrue(commandHelp.stdout.contains("Examples:"), "\(command): \(commandHelp.stdout)")
        }
        let notWired = try await run(["registrations", "show", "1001"])
        XCTAssertEqual(notWired.status, 1, "a daemon without the route answers 501: \(notWired.stderr)")
    }
}
