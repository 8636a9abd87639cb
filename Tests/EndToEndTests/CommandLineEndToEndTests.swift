import Foundation
import XCTest

/// What the programs say when an operator gets something wrong (issue "What the CLI says is
/// what the system does", items 13 to 16): the built `sipwarden` and `sipwardenctl`, run as
/// an operator runs them, no daemon needed.
final class CommandLineEndToEndTests: XCTestCase {
    private func sipwarden(_ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
        try ProcessRunner.run(try TestEnvironment.program("sipwarden"), arguments, timeout: 30, currentDirectory: directory)
    }

    private func ctl(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(try TestEnvironment.program("sipwardenctl"), arguments, timeout: 30)
    }

    func testACommandGroupWithoutASubcommandIsAUsageError() throws {
        for group in ["ban", "subscriber", "registrations", "plugins", "allow", "trusted"] {
            let result = try ctl([group])
            XCTAssertEqual(result.status, 2, "sipwardenctl \(group)")
            XCTAssertTrue(result.stderr.contains("name a subcommand of '\(group)'"), result.stderr)
            XCTAssertTrue(result.stderr.contains("USAGE: sipwardenctl \(group) <subcommand>"), "its help goes to stderr: \(result.stderr)")
        }
        XCTAssertEqual(try ctl(["ban", "--help"]).status, 0, "asking for help is not a mistake")
    }

    func testAnEmptySocketPathIsAUsageError() throws {
        let result = try ctl(["--socket", "", "status"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--socket needs the control socket's path"), result.stderr)
    }

    func testBothProgramsTellTheirVersion() throws {
        let daemon = try sipwarden(["--version"])
        let cli = try ctl(["--version"])
        XCTAssertEqual(daemon.status, 0)
        XCTAssertEqual(cli.status, 0)
        XCTAssertFalse(daemon.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        XCTAssertEqual(daemon.stdout, cli.stdout, "one version for both")
    }

    func testTheUnreachableHintFitsAnInstalledCopyToo() throws {
        let absent = try TestEnvironment.temporaryDirectory("nosock").appendingPathComponent("control.sock").path
        let result = try ctl(["--socket", absent, "status"])
        XCTAssertEqual(result.status, 3)
        XCTAssertTrue(result.stderr.contains("systemctl start sipwarden"), result.stderr)
        XCTAssertTrue(result.stderr.contains("/run/sipwarden/control.sock"), result.stderr)
    }

    func testTrustingEveryAddressHasItsOwnWording() throws {
        let result = try ctl(["--socket", "/nonexistent/control.sock", "trusted", "add", "0.0.0.0/0"])
        XCTAssertEqual(result.status, 2, "refused before the daemon is asked")
        XCTAssertTrue(result.stderr.contains("no address could ever be banned"), result.stderr)
        XCTAssertFalse(result.stderr.contains("phone"), result.stderr)
    }

    func testADataDirectoryThatCannotBeCreatedIsNamedWithTheReason() throws {
        let scratch = try TestEnvironment.temporaryDirectory("datadir")
        let file = scratch.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        for (path, reason) in [(file.path + "/var", "a file of that name exists and is not a directory (at \(file.path))"),
                               (file.path, "it exists and is not a directory")] {
            let result = try sipwarden(["--data-dir", path, "--listen", "udp:127.0.0.1:\(SIPTestClient.freePort())"])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains("cannot create the data directory \(path): \(reason)"), result.stderr)
            XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), "no raw Foundation error: \(result.stderr)")
        }
    }

    func testYAMLSyntaxErrorsAreOneLineWithFileLineAndColumn() throws {
        let scratch = try TestEnvironment.temporaryDirectory("yaml")
        let config = scratch.appendingPathComponent("sipwarden.yaml")
        try Data("listen: [udp:127.0.0.1:5060\nlog_level: : info\n".utf8).write(to: config)
        let result = try sipwarden(["--config", config.path])
        XCTAssertEqual(result.status, 2)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(config.path): not valid YAML: line 2, column 10"), result.stderr)
    }

    func testCheckConfigValidatesTheConfigurationAndEveryPolicyWithoutStarting() throws {
        let scratch = try TestEnvironment.temporaryDirectory("check")
        let policies = scratch.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        let shipped = TestEnvironment.packageRoot.appendingPathComponent("rules/policies")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name), to: policies.appendingPathComponent(name))
        }
        let config = scratch.appendingPathComponent("sipwarden.yaml")
        try Data("data_dir: \(scratch.path)/var\npolicies_dir: \(policies.path)\n".utf8).write(to: config)

        let good = try sipwarden(["--check-config", "--config", config.path], in: scratch)
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        for plugin in ["bruteforce", "ratelimit", "scanner", "allowlist", "hijack"] {
            XCTAssertTrue(good.stdout.contains("\(plugin): ok"), good.stdout)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("var").path), "nothing was started")

        // A key only the plugin knows: found by loading the plugin with its settings.
        let bruteforce = policies.appendingPathComponent("bruteforce.yaml")
        let text = try String(contentsOf: bruteforce, encoding: .utf8).replacingOccurrences(of: "max_failures: 10", with: "max_failurs: 3")
        try Data(text.utf8).write(to: bruteforce)
        let typo = try sipwarden(["--check-config", "--config", config.path], in: scratch)
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("bruteforce.yaml: max_failurs"), typo.stderr)

        // No policy files at all: the shipped plugins are checked on their built-in defaults.
        let empty = scratch.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let defaults = try sipwarden(["--check-config", "--policies-dir", empty.path], in: scratch)
        XCTAssertEqual(defaults.status, 0, defaults.stdout + defaults.stderr)
        for plugin in ["bruteforce", "ratelimit", "scanner", "allowlist", "hijack"] {
            XCTAssertTrue(defaults.stdout.contains("\(plugin): ok, \(plugin) "), defaults.stdout)
            XCTAssertTrue(defaults.stdout.contains("(built-in defaults)"), defaults.stdout)
        }

        let bad = scratch.appendingPathComponent("bad.yaml")
        try Data("registrar:\n  min_expires: soon\n".utf8).write(to: bad)
        let badConfig = try sipwarden(["--check-config", "--config", bad.path], in: scratch)
        XCTAssertEqual(badConfig.status, 2)
        XCTAssertTrue(badConfig.stderr.contains("registrar.min_expires"), badConfig.stderr)
    }
}
