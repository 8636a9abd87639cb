import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl policy test LOG`: replays a security log through the policies as their files
/// are now and shows which addresses would be banned, when and why, like `fail2ban-regex`.
/// It runs `sipwarden --policy-test` (the daemon program holds the plugin loader); nothing is
/// sent to a running daemon and nothing of it changes.
struct PolicyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Replay a security log through the policies and show what they would ban, when and why.",
        discussion: """
            The plugins are fresh instances with the policy files as they are now, in the log's own \
            time: a tuned threshold or a new policy can be tried on last week's attack before it goes \
            live. The running daemon is not asked and nothing of it changes. Replayed: every event line \
            of the log; the daemon's own ban and alert lines are not taken from the log but made by the \
            replay. Not replayed: hot-path admission (the rate limit's packet budgets: packets are not \
            in the log) and exec policies. Trusted ranges come from --config.

            Exit status: 0 when the replay ran (whether or not anything would be banned), 2 when a \
            file could not be read or a policy is invalid.
            """
    )

    @Argument(help: ArgumentHelp("The security log to replay (one JSON event per line).", valueName: "log"))
    var log: String

    @Option(name: .long, help: ArgumentHelp("Replay through this policy only (its file's name, e.g. bruteforce).", valueName: "name"))
    var policy: String?

    @Option(name: .customLong("policies-dir"), help: ArgumentHelp("The policy files to try (default: the daemon's).", valueName: "dir"))
    var policiesDirectory: String?

    @Option(name: .customLong("plugins-dir"), help: ArgumentHelp("Where the plugin libraries are (default: the daemon's).", valueName: "dir"))
    var pluginsDirectory: String?

    @Option(name: .long, help: ArgumentHelp("The daemon's configuration file, for its trusted ranges and directories.", valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() throws {
        var arguments = ["--policy-test", log]
        if let policy { arguments += ["--policy", policy] }
        if let policiesDirectory { arguments += ["--policies-dir", policiesDirectory] }
        if let pluginsDirectory { arguments += ["--plugins-dir", pluginsDirectory] }
        if let config { arguments += ["--config", config] }
        let output = try Self.runDaemonProgram(arguments)
        let report: PolicyTestReport
        do { report = try ControlJSON.makeDecoder().decode(PolicyTestReport.self, from: output) } catch {
            throw CLIFailure.failed("sipwarden --policy-test answered something unexpected: \(error)")
        }
        if json {
            try Console.json(report)
            return
        }
        Console.line("Replayed \(report.events) events from \(report.file) (\(Self.time(report.firstMilliseconds)) to "
                     + "\(Self.time(report.lastMilliseconds))) through \(report.policies.joined(separator: ", ")); "
                     + "\(report.skippedLines) other lines skipped.")
        let bans = report.findings.filter { $0.action == "ban" && $0.ignored == nil }
        guard !report.findings.isEmpty else {
            Console.line("Nothing would be banned.")
            return
        }
        var table = TextTable(headers: ["TIME", "ACTION", "TARGET", "FOR", "POLICY", "REASON", "EVIDENCE"])
        for finding in report.findings {
            table.append([
                Self.time(finding.timeMilliseconds), finding.ignored.map { "\(finding.action) (ignored: \($0))" } ?? finding.action,
                finding.target.isEmpty ? "-" : finding.target, finding.seconds.map { DurationText.format(seconds: $0) } ?? "-",
                finding.plugin, finding.reason, finding.evidence.isEmpty ? "-" : "\(finding.evidence.count) events",
            ])
        }
        Console.out(table.render())
        let targets = Set(bans.map(\.target)).count
        Console.line("\(bans.count) ban\(bans.count == 1 ? "" : "s") would be added, of \(targets) address\(targets == 1 ? "" : "es") or range\(targets == 1 ? "" : "s").")
    }

    private static func time(_ milliseconds: Int64) -> String {
        milliseconds == 0 ? "-" : RFC3339.format(epochSeconds: milliseconds / 1000)
    }

    /// Runs the `sipwarden` beside this program (else on PATH) and returns its standard output.
    private static func runDaemonProgram(_ arguments: [String]) throws -> Data {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var candidates = [((own as NSString).deletingLastPathComponent as NSString).appendingPathComponent("sipwarden")]
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin").split(separator: ":") {
            candidates.append("\(directory)/sipwarden")
        }
        guard let program = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CLIFailure.failed("cannot find the sipwarden program beside sipwardenctl or on PATH; policy test needs it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        do { try process.run() } catch { throw CLIFailure.failed("cannot run \(program): \(error.localizedDescription)") }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIFailure(exitCode: process.terminationStatus == 2 ? 2 : 1, message: "the replay failed (see above)")
        }
        return output
    }
}
