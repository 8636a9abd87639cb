import ArgumentParser
import ControlAPI

/// `sipwardenctl events [--limit N] [--json]`: the latest security events.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show the latest security events, oldest first.",
        discussion: """
            The events come from the end of the daemon's security log (what the web console's \
            security page streams). --json prints the events as the log holds them (keys in \
            docs/events.md).

            Examples:
              sipwardenctl events
              sipwardenctl events --limit 200 --json | jq -r '.[].kind'
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("How many events (1 to 1000).", valueName: "count"))
    var limit = 50

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func validate() throws {
        if !(1...1000).contains(limit) { throw ValidationError("--limit \(limit): give 1 to 1000") }
    }

    func run() async throws {
        let events = try await global.client().securityEvents(limit: limit)
        if json {
            try Console.json(events)
            return
        }
        guard !events.isEmpty else {
            Console.line("No security events.")
            return
        }
        var table = TextTable(headers: ["TIME", "KIND", "SOURCE", "AOR/USER", "DETAIL"])
        for event in events {
            let source = event.sourceIP.isEmpty ? "" : event.sourcePort == 0 ? event.sourceIP : "\(event.sourceIP):\(event.sourcePort)"
            table.append([RFC3339.format(event.time), event.kind, source, event.aor ?? event.username ?? "", event.detail ?? ""])
        }
        Console.out(table.render())
    }
}
