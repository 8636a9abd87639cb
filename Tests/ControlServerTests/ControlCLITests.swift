import ControlAPI
import ControlServer
import Foundation
import XCTest

/// The `sipwardenctl` binary itself, run as a subprocess against a real control server with a
/// fake service: exit statuses, messages, tables and JSON as an operator or a script sees them.
final class ControlCLITests: ControlServerTestCase {

    /// What one run of the CLI produced.
    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Where `swift build` put the binary: beside the test bundle.
    static func binary() throws -> URL {
        var directories: [URL] = []
        if let override = ProcessInfo.processInfo.environment["SIPWARDENCTL_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        directories.append(Bundle.main.bundleURL)
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in directories {
            let candidate = directory.appendingPathComponent("sipwardenctl")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw XCTSkip("sipwardenctl was not built next to the tests (looked in \(directories.map(\.path))); run 'swift build' first")
    }

    /// Runs the CLI with `arguments`, optionally in `directory` with `environment` additions
    /// and `input` on standard input, and waits for it on a thread of its own.
    func run(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, input: String? = nil,
        executable: URL? = nil
    ) async throws -> Run {
        let executable = try executable ?? Self.binary()
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                var env = ProcessInfo.processInfo.environment
                env.removeValue(forKey: ControlSocket.environmentVariable)
                env.merge(environment) { $1 }
                process.environment = env
                if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
                let out = Pipe()
                let err = Pipe()
                let inp = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = inp
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
                try? inp.fileHandleForWriting.close()
                let errorData = LockedData()
                let errorReader = Thread { errorData.set(err.fileHandleForReading.readDataToEndOfFile()) }
                errorReader.start()
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                while !errorData.isSet { usleep(1000) }
                continuation.resume(
                    returning: Run(
                        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                        stderr: String(decoding: errorData.value, as: UTF8.self)))
            }.start()
        }
    }

    func testUnreachableDaemonExits3AndSaysHowToStartIt() async throws {
        let absent = scratch.path + "/absent.sock"
        let result = try await run(["--socket", absent, "registrations", "list"])
        XCTAssertEqual(result.status, 3)
        XCTAssertEqual(
            result.stderr,
            "sipwardenctl: cannot reach sipwarden at \(absent) (no such socket). Is the daemon running? "
                + "Start it with 'systemctl start sipwarden' (installed; its socket is /run/sipwarden/control.sock: "
                + "export SIPWARDEN_SOCKET=/run/sipwarden/control.sock), 'make run' (source tree) "
                + "or 'sipwarden --control-socket \(absent)'.\n")
        XCTAssertEqual(result.stdout, "")

        let empty = scratch.path + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let defaultPath = try await run(["subscriber", "list"], directory: empty)
        XCTAssertEqual(defaultPath.status, 3)
        XCTAssertTrue(defaultPath.stderr.contains("at ./var/control.sock (no such socket)"), defaultPath.stderr)
    }

    func testPermissionDeniedExits3WithAClearMessage() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run the CLI as an unprivileged user")
        }
        // A copy of the binary the unprivileged user can reach, run as nobody:nogroup, with the
        // plugin API library beside it (RUNPATH $ORIGIN), as `make install` lays them out.
        let copy = scratch.path + "/sipwardenctl"
        let binary = try Self.binary()
        try FileManager.default.copyItem(atPath: binary.path, toPath: copy)
        try FileManager.default.copyItem(
            atPath: binary.deletingLastPathComponent().appendingPathComponent("libSIPWardenPolicy.so").path,
            toPath: scratch.path + "/libSIPWardenPolicy.so")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.path)
        let expected =
            "sipwardenctl: cannot reach sipwarden at \(socketPath) (permission denied). The control socket is mode 0660: "
            + "run sipwardenctl as the daemon's user or as a member of the socket's group (see 'ls -l \(socketPath)').\n"
        for directoryMode in [0o750, 0o755] {  // the directory, then the socket itself, keeps nobody out
            try FileManager.default.setAttributes([.posixPermissions: directoryMode], ofItemAtPath: scratch.path + "/var")
            let result = try await run(
                ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "--socket", socketPath, "status"],
                executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
            XCTAssertEqual(result.status, 3, result.stderr)
            XCTAssertEqual(result.stderr, expected)
        }
    }

    func testUsageErrorsExit2() async throws {
        for arguments in [
            ["subscriber", "add", "1001"], ["subscriber", "bogus"], ["registrations", "list", "--bogus"],
            ["--socket"], ["subscriber", "add", "a b", "--password", "x"], ["subscriber", "import"],
            ["subscriber", "import", scratch.path + "/missing.csv", "--socket", socketPath],
        ] {
            let result = try await run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.isEmpty, "\(arguments)")
        }
        let help = try await run(["subscriber", "add", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Examples:"), help.stdout)
    }

    func testRegistrationsJSONParsesWithTheDocumentedKeysWhereverSocketIsGiven() async throws {
        service.bindings = ControlFixtures.bindings()
        let forms = [
            ["--socket", socketPath, "registrations", "list", "--json"],
            ["registrations", "list", "--json", "--socket", socketPath],
            ["registrations", "--socket", socketPath, "list", "--json"],
        ]
        for arguments in forms {
            let result = try await run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            let array = try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], result.stdout)
            XCTAssertEqual(array.count, 2)
            for object in array { XCTAssertEqual(Set(object.keys), ControlFixtures.registrationKeys) }
            XCTAssertEqual(array[0]["expires_in"] as? Int, 3599)
            XCTAssertEqual(array[0]["registered_at"] as? String, "2026-11-26T23:59:01Z")
            XCTAssertTrue(array[1]["user_agent"] is NSNull)
        }
        let fromEnvironment = try await run(["registrations", "list", "--json"], environment: ["SIPWARDEN_SOCKET": socketPath])
        XCTAssertEqual(fromEnvironment.status, 0, fromEnvironment.stderr)
        let fromDefault = try await run(["registrations", "list", "--json"], directory: scratch.path)
        XCTAssertEqual(fromDefault.status, 0, "./var/control.sock is the default: \(fromDefault.stderr)")

        service.bindings = []
        let empty = try await run(["--socket", socketPath, "registrations", "list", "--json"])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(empty.stdout, "[]\n")
    }

    func testRegistrationsTableIsAlignedAndSanitised() async throws {
        var bindings = ControlFixtures.bindings()
        bindings[0].userAgent = "evil\u{1B}[2Jphone"
        service.bindings = bindings
        let result = try await run(["--socket", socketPath, "registrations", "list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, result.stdout)
        let header = lines[0]
        let columns = ["AOR", "CONTACT", "SOURCE", "TRANSPORT", "EXPIRES", "NAT", "USER-AGENT"]
        var previous = -1
        for column in columns {
            let offset = try XCTUnwrap(header.range(of: column)).lowerBound.utf16Offset(in: header)
            XCTAssertGreaterThan(offset, previous)
            previous = offset
            for row in lines[1...2] {
                let character = row[row.index(row.startIndex, offsetBy: offset)]
                XCTAssertNotEqual(character, " ", "column \(column) starts at the same place in \(row)")
            }
        }
        XCTAssertTrue(lines[1].hasPrefix("sip:1001@example.com  "))
        XCTAssertTrue(lines[1].contains("198.51.100.7:40112"))
        XCTAssertTrue(lines[1].contains("59m59s"))
        XCTAssertTrue(lines[1].hasSuffix("evil?[2Jphone"), "control characters never reach the terminal: \(lines[1])")
        XCTAssertTrue(lines[2].contains("[2001:db8::1]:5060"))
        XCTAssertEqual(lines[3], "2 bindings.")

        service.bindings = []
        let empty = try await run(["--socket", socketPath, "registrations", "list"])
        XCTAssertEqual(empty.stdout, "No registrations.\n")
    }

    func testImportFromAnInjectionFile() async throws {
        let file = scratch.path + "/users.csv"
        try "SEQUENTIAL\n# three users\n1000;pw1000\n\n1001;pw1001;extra\r\n1002;pw1002\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await run(["--socket", socketPath, "subscriber", "import", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "Imported 3 subscribers from \(file).\n")
        XCTAssertEqual(service.imports.first?.entries.map(\.username), ["1000", "1001", "1002"])
        XCTAssertEqual(service.imports.first?.entries[1].password, "pw1001")

        let withDomain = try await run(
            ["subscriber", "import", "-", "--domain", "example.com", "--socket", socketPath], input: "RANDOM\n7;seven\n")
        XCTAssertEqual(withDomain.status, 0, withDomain.stderr)
        XCTAssertEqual(service.imports.last?.entries, [SubscriberImportEntry(username: "7", password: "seven", domain: "example.com")])
    }

    func testABadLineImportsNothingAndNamesTheLine() async throws {
        let file = scratch.path + "/bad.csv"
        try "SEQUENTIAL\n1000;pw1000\n# fine\nbroken line\n1001;pw\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await run(["--socket", socketPath, "subscriber", "import", file])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(
            result.stderr,
            "sipwardenctl: \(file):4: expected 'user;password', found 'broken line'; nothing was imported\n")
        XCTAssertEqual(service.imports.count, 0)
    }

    func testImportOfAHundredThousandUsers() async throws {
        let file = scratch.path + "/big.csv"
        var text = "SEQUENTIAL\n"
        text.reserveCapacity(2_000_000)
        for user in 100_000..<200_000 { text += "\(user);pw\(user)\n" }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await run(["--socket", socketPath, "subscriber", "import", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "Imported 100000 subscribers from \(file).\n")
        XCTAssertEqual(service.imports.count, 1)
    }

    func testAddListRemoveAndDaemonRefusals() async throws {
        let add = try await run([
            "--socket", socketPath, "subscriber", "add", "1001", "--password", "s3cret", "--domain", "example.com",
            "--display-name", "Reception desk", "--account", "acme",
        ])
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertEqual(add.stdout, "Added subscriber 1001@example.com.\n")
        XCTAssertEqual(
            service.added,
            [SubscriberAddRequest(username: "1001", password: "s3cret", domain: "example.com", displayName: "Reception desk", account: "acme")])

        let fromStdin = try await run(["--socket", socketPath, "subscriber", "add", "1002", "--password", "-"], input: "hidden\n")
        XCTAssertEqual(fromStdin.status, 0, fromStdin.stderr)
        XCTAssertEqual(service.added.last?.password, "hidden")

        let table = try await run(["--socket", socketPath, "subscriber", "list"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("USERNAME  DOMAIN       DISPLAY-NAME    ACCOUNT  AUTH-MODE  REALM\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("1001      example.com  Reception desk  acme     password   example.com\n"), table.stdout)

        let json = try await run(["--socket", socketPath, "subscriber", "list", "--json"])
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(Set(array[0].keys), ["username", "domain", "display_name", "account", "realm", "auth_mode"])
        XCTAssertFalse(json.stdout.contains("s3cret"))

        let remove = try await run(["--socket", socketPath, "subscriber", "remove", "1001", "--domain", "example.com"])
        XCTAssertEqual(remove.status, 0, remove.stderr)
        XCTAssertEqual(remove.stdout, "Removed subscriber 1001@example.com.\n")
        let again = try await run(["--socket", socketPath, "subscriber", "remove", "1001", "--domain", "example.com"])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(
            again.stderr,
            "sipwardenctl: no subscriber '1001@example.com' (see who exists with 'sipwardenctl subscriber list')\n")

        service.failure = ControlServiceError.conflict("subscriber 1003 already exists", hint: "remove it first")
        let refused = try await run(["--socket", socketPath, "subscriber", "add", "1003", "--password", "x"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "sipwardenctl: subscriber 1003 already exists (remove it first)\n")
    }

    /// `subscriber add --replace` sends `replace`, and a 200 (the daemon replaced an existing
    /// account) reads "Replaced"; the daemon's 409 for an existing name is exit 1 with its text.
    func testAddReplaceSaysReplacedAndARefusalIsExit1() async throws {
        let first = try await run(["--socket", socketPath, "subscriber", "add", "1001", "--password", "old"])
        XCTAssertEqual(first.stdout, "Added subscriber 1001.\n")
        XCTAssertEqual(service.added.last?.replace, false)
        let replaced = try await run(["--socket", socketPath, "subscriber", "add", "1001", "--password", "new", "--replace"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertEqual(replaced.stdout, "Replaced subscriber 1001 (auth mode, account and ranges kept unless given).\n")
        XCTAssertEqual(service.added.last, SubscriberAddRequest(username: "1001", password: "new", replace: true))

        service.failure = ControlServiceError.conflict(
            "subscriber 1001 exists; use --replace to set a new password (auth mode and ranges are kept), or subscriber passwd")
        let refused = try await run(["--socket", socketPath, "subscriber", "add", "1001", "--password", "x"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr,
                       "sipwardenctl: subscriber 1001 exists; use --replace to set a new password (auth mode and ranges are kept), or subscriber passwd\n")
        let help = try await run(["subscriber", "add", "--help"])
        XCTAssertTrue(help.stdout.contains("--replace"), help.stdout)
        let exportHelp = try await run(["subscriber", "export", "--help"])
        XCTAssertTrue(exportHelp.stdout.contains("ha1_md5") && exportHelp.stdout.contains("--output"), exportHelp.stdout)
    }

    func testStatus() async throws {
        let result = try await run(["status", "--socket", socketPath])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "sipwarden 0.0.0-test, up 42s: 0 bindings, 0 subscribers.\n")
        let json = try await run(["status", "--json", "--socket", socketPath])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["uptime_seconds"] as? Int, 42)
    }
}

/// Data handed from a reader thread, with a flag saying it has arrived.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false

    func set(_ value: Data) {
        lock.withLock {
            data = value
            done = true
        }
    }

    var isSet: Bool { lock.withLock { done } }
    var value: Data { lock.withLock { data } }
}
