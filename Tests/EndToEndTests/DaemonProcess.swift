import Foundation
import XCTest

/// The real `sipwarden` daemon, run as a child process on a loopback port with its own data
/// directory, and the `sipwardenctl` that talks to it.
final class DaemonProcess {
    let dataDirectory: URL
    let port: Int
    let extraArguments: [String]
    /// The network namespace the daemon runs in (`ip netns exec`), nil for the test's own.
    let namespace: String?
    /// The address it listens on.
    let host: String
    /// Variables added to the daemon's environment (NOTIFY_SOCKET, ...).
    let environment: [String: String]
    /// The daemon's working directory; nil for the test's own.
    let currentDirectory: URL?
    private(set) var process: Process?
    private let daemonPath: String
    private let ctlPath: String

    var socketPath: String { dataDirectory.appendingPathComponent("control.sock").path }
    var logPath: String { dataDirectory.appendingPathComponent("daemon.log").path }

    /// `programs`: where `sipwarden` and `sipwardenctl` are (default: the build's).
    init(
        label: String, extraArguments: [String] = [], environment: [String: String] = [:], programs: URL? = nil,
        namespace: String? = nil, host: String = "127.0.0.1", port: Int? = nil, currentDirectory: URL? = nil
    ) throws {
        self.currentDirectory = currentDirectory
        if let programs {
            daemonPath = programs.appendingPathComponent("sipwarden").path
            ctlPath = programs.appendingPathComponent("sipwardenctl").path
        } else {
            daemonPath = try TestEnvironment.program("sipwarden")
            ctlPath = try TestEnvironment.program("sipwardenctl")
        }
        dataDirectory = try TestEnvironment.temporaryDirectory(label)
        self.port = port ?? SIPTestClient.freePort()
        self.extraArguments = extraArguments
        self.namespace = namespace
        self.host = host
        self.environment = environment
    }

    /// Starts the daemon and waits until its control socket answers.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: namespace == nil ? daemonPath : "/usr/bin/env")
        // `ip netns exec` enters the namespace and execs the daemon: the process is the daemon.
        process.arguments = (namespace.map { ["ip", "netns", "exec", $0, daemonPath] } ?? []) + [
            "--listen", "udp:\(host):\(port)", "--listen", "tcp:\(host):\(port)",
            "--data-dir", dataDirectory.path, "--control-socket", socketPath,
        ] + (extraArguments.contains("--firewall") ? [] : ["--firewall", "memory"]) + extraArguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning { throw SIPTestClientError("sipwarden exited early:\n\(self.log())") }
            if FileManager.default.fileExists(atPath: socketPath), (try? ctl(["subscriber", "list", "--json"]))?.status == 0 { return }
            usleep(50_000)
        }
        throw SIPTestClientError("sipwarden did not become ready in 30 s:\n\(self.log())")
    }

    /// Sends SIGTERM and waits for a graceful exit.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Kills the daemon with SIGKILL: no chance to flush anything.
    func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs `sipwardenctl --socket <ours> arguments...`.
    func ctl(_ arguments: [String], timeout: TimeInterval = 60) throws -> ProcessResult {
        try ProcessRunner.run(ctlPath, ["--socket", socketPath] + arguments, timeout: timeout)
    }

    /// Runs `sipwardenctl` and fails the test unless it exits 0; returns its standard output.
    func ctlOK(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try ctl(arguments)
        XCTAssertEqual(result.status, 0, "sipwardenctl \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result.stdout
    }

    /// Starts a daemon with `yaml` as its configuration file (`--config`).
    static func started(_ label: String, yaml: String, extraArguments: [String] = []) throws -> DaemonProcess {
        let file = try TestEnvironment.temporaryDirectory("\(label)-config").appendingPathComponent("sipwarden.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(label: label, extraArguments: ["--config", file.path] + extraArguments)
        try daemon.start()
        return daemon
    }

    /// `registrations list --json`, decoded.
    func registrations() throws -> [[String: Any]] {
        let result = try ctl(["registrations", "list", "--json"])
        guard result.status == 0 else { throw SIPTestClientError("registrations list failed (\(result.status)): \(result.stderr)") }
        guard let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw SIPTestClientError("registrations list --json did not print an array: \(result.stdout.prefix(200))")
        }
        return array
    }

    /// Adds a subscriber through the CLI.
    func addSubscriber(_ user: String, password: String) throws {
        let result = try ctl(["subscriber", "add", user, "--password", password])
        guard result.status == 0 else { throw SIPTestClientError("subscriber add failed (\(result.status)): \(result.stderr)") }
    }

    /// The daemon's log so far.
    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The daemon's process id (0 before `start()`).
    var pid: pid_t { process?.processIdentifier ?? 0 }

    /// Whether the daemon is still running.
    var isRunning: Bool { process?.isRunning ?? false }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}
