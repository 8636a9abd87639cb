import Foundation
import XCTest

/// `sipwardenctl policy test LOG` (issue "What the CLI says is what the system does", item 22):
/// a recorded log replayed through the shipped policies, with the real plugin libraries,
/// no daemon running.
final class PolicyTestEndToEndTests: XCTestCase {
    private let start: Int64 = 1_764_201_600_000

    private func event(_ id: Int, _ seconds: Int, _ kind: String, _ ip: String, user: String, detail: String? = nil,
                       userAgent: String? = nil) -> String {
        var object: [String: Any] = [
            "type": "event", "v": 1, "id": id, "time_ms": start + Int64(seconds) * 1000, "kind": kind, "source_ip": ip,
            "source_port": 5060, "transport": "UDP", "aor": "sip:\(user)@pbx.example.com", "username": user,
        ]
        if let detail { object["detail"] = detail }
        if let userAgent { object["user_agent"] = userAgent }
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    /// A guesser (12 wrong passwords in 12 s), a user who mistyped twice, a decision line
    /// from the recording daemon, and junk.
    private func writeLog() throws -> URL {
        var lines: [String] = []
        for k in 0..<12 { lines.append(event(k + 1, k, "auth.failed", "203.0.113.7", user: "1001", detail: "wrong_password")) }
        lines.append(event(20, 3, "auth.failed", "198.51.100.1", user: "1002", detail: "wrong_password"))
        lines.append(event(21, 4, "auth.failed", "198.51.100.1", user: "1002", detail: "wrong_password"))
        lines.append(#"{"action":"ban","plugin":"bruteforce","seconds":900,"target":"192.0.2.99","time_ms":1764201600000,"type":"decision"}"#)
        lines.append("not json at all")
        let url = try TestEnvironment.temporaryDirectory("policytest").appendingPathComponent("security.log")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return url
    }

    private func policyTest(_ arguments: [String]) throws -> ProcessResult {
        let policies = TestEnvironment.packageRoot.appendingPathComponent("rules/policies").path
        return try ProcessRunner.run(try TestEnvironment.program("sipwardenctl"),
                                     ["policy", "test"] + arguments + ["--policies-dir", policies], timeout: 60)
    }

    func testTheGuesserWouldBeBannedAndTheUserWhoMistypedWouldNot() throws {
        let log = try writeLog()
        let result = try policyTest([log.path, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["events"] as? Int, 14)
        XCTAssertEqual(report["skipped_lines"] as? Int, 2, "the decision line and the junk are not replayed")
        let findings = try XCTUnwrap(report["findings"] as? [[String: Any]])
        let bans = findings.filter { $0["action"] as? String == "ban" }
        XCTAssertEqual(bans.map { $0["target"] as? String }, ["203.0.113.7"], "\(findings)")
        let ban = try XCTUnwrap(bans.first)
        XCTAssertEqual(ban["plugin"] as? String, "bruteforce")
        XCTAssertEqual(ban["seconds"] as? Int, 900)
        XCTAssertEqual(ban["time_ms"] as? Int64, start + 9000, "banned at the 10th failure, in the log's time")
        XCTAssertEqual((ban["evidence"] as? [Int])?.count, 10)

        let human = try policyTest([log.path])
        XCTAssertEqual(human.status, 0, human.stderr)
        XCTAssertTrue(human.stdout.contains("203.0.113.7"), human.stdout)
        XCTAssertTrue(human.stdout.contains("1 ban would be added"), human.stdout)
        XCTAssertFalse(human.stdout.contains("198.51.100.1"), human.stdout)
    }

    func testRepeatsTheLogFoldedAreReplayedAsTheDaemonsPluginsSawThem() throws {
        // The daemon writes the first few events per (kind, source) and folds the rest into one
        // log.repeated line written after them; the plugins saw every one, so the replay does too.
        var lines = (0..<3).map { event($0 + 1, $0, "auth.failed", "203.0.113.9", user: "1001", detail: "wrong_password") }
        lines.append(#"{"count":9,"first_time_ms":\#(start + 3000),"kind":"log.repeated","last_time_ms":\#(start + 11000),"repeated_kind":"auth.failed","source_ip":"203.0.113.9","time_ms":\#(start + 60000),"type":"summary","v":1}"#)
        let url = try TestEnvironment.temporaryDirectory("folded").appendingPathComponent("security.log")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        let result = try policyTest([url.path, "--json", "--policy", "bruteforce"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["events"] as? Int, 12, "3 written + 9 folded")
        let bans = try XCTUnwrap(report["findings"] as? [[String: Any]]).filter { $0["action"] as? String == "ban" }
        XCTAssertEqual(bans.map { $0["target"] as? String }, ["203.0.113.9"])
        XCTAssertLessThan(try XCTUnwrap(bans.first?["time_ms"] as? Int64), start + 60000, "banned in the folded span, not at the summary line")
    }

    func testTrustedRangesAndTheChosenPolicyAreRespected() throws {
        let log = try writeLog()
        let config = log.deletingLastPathComponent().appendingPathComponent("sipwarden.yaml")
        try Data("trusted: [203.0.113.0/24]\n".utf8).write(to: config)
        let trusted = try policyTest([log.path, "--json", "--config", config.path])
        XCTAssertEqual(trusted.status, 0, trusted.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(trusted.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(report["findings"] as? [[String: Any]])
        XCTAssertTrue(findings.allSatisfy { $0["action"] as? String != "ban" || $0["ignored"] as? String == "trusted" }, "\(findings)")

        let scannerOnly = try policyTest([log.path, "--policy", "scanner"])
        XCTAssertEqual(scannerOnly.status, 0, scannerOnly.stderr)
        XCTAssertTrue(scannerOnly.stdout.contains("through scanner;"), scannerOnly.stdout)
        XCTAssertTrue(scannerOnly.stdout.contains("Nothing would be banned."), scannerOnly.stdout)

        let unknown = try policyTest([log.path, "--policy", "nosuch"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("no enabled library policy of that name"), unknown.stderr)
        let missing = try policyTest(["/nonexistent/security.log"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read the log file"), missing.stderr)
    }
}
