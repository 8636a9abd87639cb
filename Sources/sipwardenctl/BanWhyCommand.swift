import ArgumentParser
import ControlAPI

/// `sipwardenctl ban why ADDR [--json]`.
struct BanWhyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Show the ban blocking an address and the security events that caused it.",
        discussion: """
            The ban may be of a range containing the address. Exit status 1 when the address is \
            not banned. --json prints {"ban": {...as in ban list...}, "evidence": [events]}, \
            the events with the keys of docs/events.md.

            Examples:
              sipwardenctl ban why 203.0.113.7
              sipwardenctl ban why 203.0.113.7 --json | jq -r '.evidence[].user_agent'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The address (or range) to explain.", valueName: "address"))
    var target: String

    @Flag(help: "Print a JSON object instead of text.")
    var json = false

    func validate() throws {
        if let problem = BanTarget.problem(target) { throw ValidationError(problem) }
    }

    func run() async throws {
        let answer = try await global.client().banWhy(target: target)
        if json {
            try Console.json(answer)
            return
        }
        let ban = answer.ban
        let asked = BanTarget.canonical(target) ?? target
        if asked != ban.address {
            Console.line("\(asked) is banned as part of \(ban.address).")
        }
        // Through TextTable, which neutralises control characters in a hostile reason.
        var summary = TextTable(headers: ["ADDRESS", "EXPIRES", "SOURCE", "SINCE", "REASON"])
        summary.append([
            ban.address, DurationText.format(seconds: ban.expiresIn), ban.source, RFC3339.format(ban.createdAt), ban.reason,
        ])
        Console.out(summary.render())
        guard !answer.evidence.isEmpty else {
            Console.line("No evidence events were recorded with this ban.")
            return
        }
        Console.line("")
        var table = TextTable(headers: ["TIME", "KIND", "SOURCE", "TRANSPORT", "AOR/USER", "USER-AGENT", "DETAIL"])
        for event in answer.evidence {
            table.append([
                RFC3339.format(event.time), event.kind,
                event.sourceIP.isEmpty ? "-" : RegistrationInfo.address(ip: event.sourceIP, port: event.sourcePort),
                event.transport.isEmpty ? "-" : event.transport, event.aor ?? event.username ?? "-",
                event.userAgent ?? "-", event.detail ?? "-",
            ])
        }
        Console.out(table.render())
        Console.line("\(answer.evidence.count) event\(answer.evidence.count == 1 ? "" : "s").")
    }
}
