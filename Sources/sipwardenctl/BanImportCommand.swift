import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl ban import FILE|- [--for D] [--reason TEXT] [--source S] [--json]`: a
/// blocklist banned in one request.
struct BanImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Ban every address and CIDR range of a blocklist file.",
        discussion: """
            The file holds one IPv4/IPv6 address or CIDR range per line (a CrowdSec or fail2ban \
            export, a provider's list); blank lines and '#' comments are skipped. The whole file \
            is checked first: a bad line is reported with its number, a trusted address by its \
            entry, and nothing is banned. Every ban lasts --for (default 1d); an address banned \
            already keeps the longer expiry. The answer comes once every ban is stored (they are \
            kept across restarts) and in the firewall; it counts the bans added, extended, already \
            banned for longer, and skipped (repeated lines). Up to \(BanImportRequest.maximumTargets) \
            targets go in one request. FILE '-' reads standard input. --json prints the counts \
            as an object with the keys targets, added, extended, already_banned, skipped, seconds \
            and milliseconds.

            Examples:
              sipwardenctl ban import blocklist.txt --for 7d --reason "crowdsec community list"
              curl -s https://lists.example/sip-scanners.txt | sipwardenctl ban import - --for 1d
              sipwardenctl ban import blocklist.txt --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The blocklist file ('-' for standard input).", valueName: "file"))
    var file: String

    @Option(name: [.customLong("for"), .customLong("duration")],
            help: ArgumentHelp("How long every ban lasts: 90s, 15m, 2h, 7d (default 1d).", valueName: "duration"))
    var duration: String = "1d"

    @Option(help: ArgumentHelp("Why; shown by 'ban list' (default: imported from FILE).", valueName: "text"))
    var reason: String?

    @Option(help: ArgumentHelp("Who asks, recorded with every ban (default: operator).", valueName: "name"))
    var source: String?

    @Flag(help: "Print the counts as JSON.")
    var json = false

    func validate() throws {
        _ = try request(targets: ["192.0.2.1"])
    }

    func run() async throws {
        let text = String(decoding: try readFile(), as: UTF8.self)
        let parsed: BanImportFile
        do {
            parsed = try BanImportFile.parse(text)
        } catch {
            throw CLIFailure.failed(
                error.lines.map { "\(displayName):\($0.line): \($0.message)" }.joined(separator: "\n")
                    + (error.count > error.lines.count ? "\n\(displayName): and \(error.count - error.lines.count) more bad lines" : "")
                    + "\nnothing was banned")
        }
        guard !parsed.targets.isEmpty else {
            throw CLIFailure.failed("\(displayName) has no addresses or ranges; nothing was banned")
        }
        guard parsed.targets.count <= BanImportRequest.maximumTargets else {
            throw CLIFailure.failed(
                "\(displayName) has \(parsed.targets.count) targets; at most \(BanImportRequest.maximumTargets) go in one import, split the file")
        }
        let response = try await global.client().importBans(try request(targets: parsed.targets))
        if json {
            try Console.json(response)
            return
        }
        Console.line(
            "Imported \(response.targets) target\(response.targets == 1 ? "" : "s") from \(displayName) for "
                + "\(DurationText.format(seconds: response.seconds)): \(response.added) added, \(response.extended) extended, "
                + "\(response.alreadyBanned) already banned longer, \(response.skipped) skipped (\(response.milliseconds) ms).")
    }

    /// The request to send, or a `ValidationError` (exit status 2) saying what to type.
    private func request(targets: [String]) throws -> BanImportRequest {
        let seconds: Int
        switch BanDuration.seconds(duration) {
        case .success(let value): seconds = value
        case .failure(let problem): throw ValidationError("--for: \(problem)")
        }
        let request = BanImportRequest(
            targets: targets, seconds: seconds, reason: reason ?? "imported from \(displayName)", source: source)
        if let problem = request.validationProblem() { throw ValidationError(problem) }
        return request
    }

    private var displayName: String { InputFile(path: file).displayName }

    private func readFile() throws -> Data { try InputFile(path: file).read() }
}
