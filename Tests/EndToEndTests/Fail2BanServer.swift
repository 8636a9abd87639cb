import Foundation
import XCTest

/// A real `fail2ban-server` in the foreground with a configuration of its own (temporary
/// directory: socket, pid file, database, log), holding Debian's `jail.conf` and
/// `paths-*.conf`, the shipped `rules/fail2ban` filter, action and jail, and `jail.local`.
final class Fail2BanServer {
    let directory: URL
    private let server: String
    private let client: String
    private var process: Process?

    var configDirectory: URL { directory.appendingPathComponent("conf") }
    var logPath: String { directory.appendingPathComponent("fail2ban.log").path }

    /// Prepares the configuration; `jailLocal` is the text of `jail.local`.
    init(jailLocal: String) throws {
        server = try TestEnvironment.tool("fail2ban-server", package: "fail2ban")
        client = try TestEnvironment.tool("fail2ban-client", package: "fail2ban")
        directory = try TestEnvironment.temporaryDirectory("fail2ban")
        let files = FileManager.default
        for sub in ["filter.d", "action.d", "jail.d"] {
            try files.createDirectory(at: configDirectory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for name in ["jail.conf", "paths-common.conf", "paths-debian.conf"] {
            try files.copyItem(atPath: "/etc/fail2ban/\(name)", toPath: configDirectory.appendingPathComponent(name).path)
        }
        let shipped = TestEnvironment.packageRoot.appendingPathComponent("rules/fail2ban")
        for sub in ["filter.d", "action.d", "jail.d"] {
            try files.copyItem(at: shipped.appendingPathComponent("\(sub)/sipwarden.conf"),
                               to: configDirectory.appendingPathComponent("\(sub)/sipwarden.conf"))
        }
        let main = """
            [Definition]
            loglevel = INFO
            logtarget = \(logPath)
            syslogsocket = auto
            socket = \(directory.appendingPathComponent("fail2ban.sock").path)
            pidfile = \(directory.appendingPathComponent("fail2ban.pid").path)
            dbfile = \(directory.appendingPathComponent("fail2ban.sqlite3").path)
            dbpurgeage = 1d
            allowipv6 = auto

            """
        try main.write(to: configDirectory.appendingPathComponent("fail2ban.conf"), atomically: true, encoding: .utf8)
        try jailLocal.write(to: configDirectory.appendingPathComponent("jail.local"), atomically: true, encoding: .utf8)
    }

    /// A server whose `jail.local` enables the shipped `sipwarden` jail on `daemon`'s security
    /// log (polling; bans after 3 failures for 10 minutes, nothing ignored) with the shipped
    /// action calling that daemon's `sipwardenctl`.
    convenience init(sipwardenJailFor daemon: DaemonProcess) throws {
        try self.init(jailLocal: """
            [sipwarden]
            enabled = true
            logpath = \(daemon.dataDirectory.appendingPathComponent("security.log").path)
            backend = polling
            maxretry = 3
            bantime = 10m
            bantime.rndtime = 0
            ignoreself = false
            ignoreip =
            action = sipwarden[sipwardenctl=\(try TestEnvironment.program("sipwardenctl")), socket=\(daemon.socketPath)]

            """)
    }

    /// Starts the server in the foreground and waits until `status` answers.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = ["-c", configDirectory.path, "-x", "-f"]
        let output = directory.appendingPathComponent("server.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: output)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning { throw SIPTestClientError("fail2ban-server exited early:\n\(log())") }
            if (try? self.client(["status"]))?.status == 0 { return }
            usleep(100_000)
        }
        throw SIPTestClientError("fail2ban-server did not answer in 30 s:\n\(log())")
    }

    /// Runs `fail2ban-client -c <ours> arguments...`.
    func client(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(client, ["-c", configDirectory.path] + arguments, timeout: 30)
    }

    /// Fail2Ban's own log so far.
    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Stops the server (`fail2ban-client stop`, then SIGTERM, then SIGKILL).
    func stop() {
        guard let process, process.isRunning else { return }
        _ = try? client(["stop"])
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate(); usleep(500_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
