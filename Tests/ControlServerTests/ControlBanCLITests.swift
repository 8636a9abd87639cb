import ControlAPI
import Foundation
import XCTest

/// `sipwardenctl ban ...` and `sipwardenctl plugins ...` as an operator runs them: the real
/// binary against a real control server with a fake service.
final class ControlBanCLITests: ControlBanTestCase {
    /// Runs the CLI with `--socket` pointing at the test server (unless `socket` is false).
    func run(_ arguments: [String], socket: Bool = true) async throws -> ControlCLITests.Run {
        let executable = try ControlCLITests.binary()
        let arguments = socket ? ["--socket", socketPath] + arguments : arguments
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                var environment = ProcessInfo.processInfo.environment
                environment.removeValue(forKey: ControlSocket.environmentVariable)
                process.environment = environment
                let out = Pipe()
                let err = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let errorData = LockedData()
                Thread { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }.start()
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                while !errorData.isSet { usleep(1000) }
                continuation.resume(returning: ControlCLITests.Run(
                    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                    stderr: String(decoding: errorData.value, as: UTF8.self)))
            }.start()
        }
    }

    func testBanAddAcceptsTheDocumentedDurations() async throws {
        let cases: [(String, Int)] = [("90s", 90), ("15m", 900), ("2h", 7200), ("7d", 604_800), ("90", 90), ("1H", 3600)]
        for (index, (text, seconds)) in cases.enumerated() {
            let target = "203.0.113.\(index + 1)"
            let result = try await run(["ban", "add", target, "--for", text, "--reason", "scanner"])
            XCTAssertEqual(result.status, 0, "\(text): \(result.stderr)")
            XCTAssertEqual(service.added.last?.seconds, seconds, text)
            XCTAssertEqual(service.added.last?.target, target)
            XCTAssertEqual(service.added.last?.reason, "scanner")
            XCTAssertNil(service.added.last?.source, "the daemon records operator")
        }
        let result = try await run(["ban", "add", "198.51.100.9/24", "--for", "2h", "--reason", "abuse", "--source", "fail2ban sip"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "Banned 198.51.100.0/24 for 2h00m (until 2026-11-27T01:59:01Z).\n")
        XCTAssertEqual(service.added.last?.source, "fail2ban sip")
    }

    func testBanUsageErrorsExit2AndSayWhatToType() async throws {
        let cases: [([String], String?)] = [
            (["ban", "add", "192.0.2.7", "--for", "90x", "--reason", "r"], "invalid duration '90x'; give a number with s, m, h or d, such as 90s, 15m, 2h or 7d"),
            (["ban", "add", "192.0.2.7", "--for", "0s", "--reason", "r"], "the duration '0s' is out of range; give 1s to 3650d"),
            (["ban", "add", "192.0.2.7", "--for", "1.5h", "--reason", "r"], "invalid duration '1.5h'"),
            (["ban", "add", "192.0.2.7", "--for", "99999999999d", "--reason", "r"], "invalid duration"),
            (["ban", "add", "192.0.2.7", "--for", "3651d", "--reason", "r"], "out of range"),
            (["ban", "add", "192.0.2.300", "--for", "1h", "--reason", "r"], "'192.0.2.300' is not an IP address or CIDR range"),
            (["ban", "add", "192.0.2.0/40", "--for", "1h", "--reason", "r"], "the prefix length is at most 32 for IPv4"),
            (["ban", "add", "10.0.0.0/4", "--for", "1h", "--reason", "r"], "too wide a range to ban"),
            (["ban", "add", "example.com", "--for", "1h", "--reason", "r"], "such as 192.0.2.7, 2001:db8::1 or 192.0.2.0/24"),
            (["ban", "add", "192.0.2.7", "--for", "1h"], "--reason"),
            (["ban", "add", "192.0.2.7", "--reason", "r"], "--for"),
            (["ban", "add", "192.0.2.7", "--for", "1h", "--reason", ""], "the reason is empty"),
            (["ban", "remove", "fe80::1%eth0"], "is not an IP address or CIDR range"),
            (["ban", "why", "1.2.3"], "is not an IP address or CIDR range"),
            (["ban", "bogus"], nil),
            (["plugins", "list", "--bogus"], nil),
            (["plugins", "reload", "now"], nil),
        ]
        for (arguments, message) in cases {
            let result = try await run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.isEmpty, "\(arguments)")
            if let message { XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)") }
            XCTAssertEqual(result.stdout, "", "\(arguments)")
        }
        XCTAssertEqual(service.added, [], "nothing reached the daemon")
    }

    func testBanListTableAndJSON() async throws {
        let empty = try await run(["ban", "list"])
        XCTAssertEqual(empty.stdout, "No bans.\n")
        let emptyJSON = try await run(["ban", "list", "--json"])
        XCTAssertEqual(emptyJSON.stdout, "[]\n")

        service.put(BanInfo(
            address: "198.51.100.7", expiresIn: 599, reason: "10 failures in 60 s", source: "bruteforce",
            createdAt: service.now, expiresAt: service.now.addingTimeInterval(599), evidenceCount: 10))
        service.put(BanInfo(
            address: "2001:db8:bad::/48", expiresIn: 86_400 * 3 + 7200, reason: "evil\u{1B}[2Jreason", source: "operator",
            createdAt: service.now, expiresAt: service.now.addingTimeInterval(86_400 * 3 + 7200)))
        let table = try await run(["ban", "list"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, table.stdout)
        XCTAssertTrue(lines[0].hasPrefix("ADDRESS  "), lines[0])
        XCTAssertEqual(lines[0], "ADDRESS            EXPIRES  SOURCE      SINCE                 REASON")
        XCTAssertEqual(lines[1], "198.51.100.7       9m59s    bruteforce  2026-11-26T23:59:01Z  10 failures in 60 s")
        XCTAssertTrue(lines[2].hasPrefix("2001:db8:bad::/48  3d02h    operator    2026-11-26T23:59:01Z  "), lines[2])
        XCTAssertTrue(lines[2].hasSuffix("evil?[2Jreason"), "control characters never reach the terminal: \(lines[2])")
        XCTAssertEqual(lines[3], "2 bans.")

        let json = try await run(["ban", "list", "--json"])
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        for object in array { XCTAssertEqual(Set(object.keys), BanFixtures.banKeys) }
        XCTAssertEqual(array[0]["address"] as? String, "198.51.100.7")
        XCTAssertEqual(array[0]["expires_in"] as? Int, 599)
        XCTAssertEqual(array[0]["source"] as? String, "bruteforce")
        XCTAssertEqual(array[0]["evidence_count"] as? Int, 10)
    }

    func testBanRemove() async throws {
        service.put(BanInfo(
            address: "198.51.100.0/24", expiresIn: 60, reason: "r", source: "operator", createdAt: service.now,
            expiresAt: service.now.addingTimeInterval(60)))
        let removed = try await run(["ban", "remove", "198.51.100.0/24"])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(removed.stdout, "Lifted the ban on 198.51.100.0/24.\n")
        let again = try await run(["ban", "remove", "198.51.100.0/24"])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(
            again.stderr,
            "sipwardenctl: no ban on 198.51.100.0/24 (see the bans in force with 'sipwardenctl ban list'; a ban of a range is removed by the range)\n")
    }

    func testBanWhyShowsTheEvidence() async throws {
        service.put(
            BanInfo(address: "198.51.100.0/24", expiresIn: 600, reason: "3 failures", source: "bruteforce",
                    createdAt: service.now, expiresAt: service.now.addingTimeInterval(600), evidenceCount: 3),
            evidence: BanFixtures.evidence())
        let result = try await run(["ban", "why", "198.51.100.7"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "198.51.100.7 is banned as part of 198.51.100.0/24.")
        XCTAssertTrue(lines[1].hasPrefix("ADDRESS"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("198.51.100.0/24  10m00s   bruteforce  2026-11-26T23:59:01Z  3 failures"), lines[2])
        XCTAssertEqual(lines[3], "")
        XCTAssertTrue(lines[4].hasPrefix("TIME                  KIND         SOURCE             TRANSPORT  AOR/USER"), lines[4])
        XCTAssertTrue(lines[5].hasPrefix("2026-11-26T23:58:21Z  auth.failed  198.51.100.7:5060  UDP        sip:1001@example.com  friendly-scanner"), lines[5])
        XCTAssertTrue(lines[7].contains("evil?[2Jphone"), "sanitised: \(lines[7])")
        XCTAssertEqual(lines[8], "3 events.")

        let json = try await run(["ban", "why", "198.51.100.7", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let decoded = try ControlJSON.makeDecoder().decode(BanWhyResponse.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(decoded.evidence, BanFixtures.evidence())
        XCTAssertEqual(decoded.ban.address, "198.51.100.0/24")

        let notBanned = try await run(["ban", "why", "192.0.2.99"])
        XCTAssertEqual(notBanned.status, 1)
        XCTAssertTrue(notBanned.stderr.hasPrefix("sipwardenctl: 192.0.2.99 is not banned"), notBanned.stderr)
    }

    func testPluginsListAndReload() async throws {
        let none = try await run(["plugins", "list"])
        XCTAssertEqual(none.stdout, "No plugins (no policy files are enabled).\n")

        service.plugins = BanFixtures.plugins()
        let table = try await run(["plugins", "list"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "NAME        VERSION  STATE   CONFIG  ENFORCE  DROPPED  FILE                                               DETAIL")
        XCTAssertEqual(lines[1], "bruteforce  1.0.0    loaded  file    yes      0        /opt/sipwarden/plugins/libsipwarden-bruteforce.so  -")
        XCTAssertEqual(lines[2], "notify      -        failed  file    yes      0        /usr/local/bin/notify.py                           exited with status 1")
        XCTAssertEqual(lines[3], "2 plugins: 1 loaded, 1 failed.")

        let json = try await run(["plugins", "list", "--json"])
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        for object in array { XCTAssertEqual(Set(object.keys), BanFixtures.pluginKeys) }

        let failedReload = try await run(["plugins", "reload"])
        XCTAssertEqual(failedReload.status, 1, "a plugin failed after the reload")
        XCTAssertTrue(failedReload.stdout.hasSuffix("Reloaded: 2 plugins: 1 loaded, 1 failed.\n"), failedReload.stdout)
        XCTAssertEqual(failedReload.stderr, "sipwardenctl: 1 plugin failed after the reload: notify (exited with status 1)\n")

        service.plugins = [BanFixtures.plugins()[0]]
        let reload = try await run(["plugins", "reload"])
        XCTAssertEqual(reload.status, 0, reload.stderr)
        XCTAssertTrue(reload.stdout.hasSuffix("Reloaded: 1 plugin: 1 loaded.\n"), reload.stdout)
        XCTAssertEqual(service.reloads, 2)
    }

    func testEveryCommandHasHelpWithExamplesAndAnUnreachableDaemonExits3() async throws {
        for command in [["ban"], ["ban", "list"], ["ban", "add"], ["ban", "remove"], ["ban", "why"], ["plugins"], ["plugins", "list"], ["plugins", "reload"]] {
            let help = try await run(command + ["--help"], socket: false)
            XCTAssertEqual(help.status, 0, "\(command)")
            XCTAssertTrue(help.stdout.contains("Examples:"), "\(command): \(help.stdout)")
            XCTAssertTrue(help.stdout.contains("sipwardenctl \(command.joined(separator: " "))"), "\(command)")
        }
        let absent = scratch.path + "/absent.sock"
        for command in [["ban", "list"], ["plugins", "reload"], ["ban", "add", "192.0.2.7", "--for", "1m", "--reason", "r"]] {
            let result = try await run(["--socket", absent] + command, socket: false)
            XCTAssertEqual(result.status, 3, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("cannot reach sipwarden at \(absent)"), result.stderr)
        }
    }
}
