import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl history [filters] [--limit N] [--json | --csv]`.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show recorded registration events, newest first: who registered, refreshed, failed, when, from where.",
        discussion: """
            Reads the daemon's registration history (history.sqlite in the data directory), \
            which keeps every register.*, auth.failed, auth.unknown_user, auth.stale_nonce, \
            acl.denied, rate.exceeded, ban.* and alert.* event for history.retention (30 days \
            by default), across restarts and security-log rotation. Filters combine (all must \
            hold). --kind may repeat, and register.* takes the whole family. --since and --until \
            take RFC 3339 times (2026-12-01T10:00:00Z) or spans before now (30m, 2h, 7d). \
            Exit status 1 when the history is disabled (history.enabled: false).

            --json prints an array of objects with the keys id, time, time_ms, kind, aor, \
            number, username, account, source_ip, source_port, transport, user_agent, contact \
            and detail (docs/cli.md). --csv prints the same keys as columns.

            Examples:
              sipwardenctl history --aor sip:1001@example.com --since 2h
              sipwardenctl history --number 1001 --kind register.* --limit 20
              sipwardenctl history --ip 203.0.113.0/24 --kind auth.failed --kind auth.unknown_user --since 1d
              sipwardenctl history --account acme --since 2026-12-01T00:00:00Z --until 2026-12-02T00:00:00Z --csv
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only events of this address of record, exactly (sip:1001@example.com).", valueName: "aor"))
    var aor: String?

    @Option(help: ArgumentHelp("Only events of this number: the AOR's user part, else the digest username.", valueName: "number"))
    var number: String?

    @Option(help: ArgumentHelp("Only events from this address or CIDR range.", valueName: "cidr"))
    var ip: String?

    @Option(help: ArgumentHelp("Only events of subscribers with this account tag.", valueName: "account"))
    var account: String?

    @Option(name: .customLong("kind"), help: ArgumentHelp("Only events of this kind (may repeat; register.* for a family).", valueName: "kind"))
    var kinds: [String] = []

    @Option(help: ArgumentHelp("Events at or after this time: RFC 3339, or a span before now (30m, 2h, 7d).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Events at or before this time: RFC 3339, or a span before now.", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("At most this many events (default 100).", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @Flag(help: "Print CSV (a header row of the JSON keys) instead of a table.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
        if let ip, let problem = IPNetwork.problem(ip) { throw ValidationError("--ip: \(problem)") }
        try HistoryWindowValidation.check(json: json, csv: csv, since: since, until: until, limit: limit)
    }

    /// The CSV columns: the JSON keys.
    static let columns = [
        "id", "time", "time_ms", "kind", "aor", "number", "username", "account", "source_ip", "source_port", "transport",
        "user_agent", "contact", "detail",
    ]

    func run() async throws {
        let query = HistoryQuery(aor: aor, number: number, ip: ip, account: account, kinds: kinds, since: since, until: until, limit: limit)
        let events = try await global.client().history(query)
        if json {
            try Console.json(events)
            return
        }
        if csv {
            Console.out(CSVText.render(header: Self.columns, rows: events.map { event in
                [String(event.id), RFC3339.format(event.time), String(event.timeMilliseconds), event.kind, event.aor ?? "",
                 event.number ?? "", event.username ?? "", event.account ?? "", event.sourceIP, String(event.sourcePort), event.transport,
                 event.userAgent ?? "", event.contact ?? "", event.detail ?? ""]
            }))
            return
        }
        guard !events.isEmpty else {
            Console.line("No recorded events match.")
            return
        }
        var table = TextTable(headers: ["TIME", "KIND", "AOR", "USER", "SOURCE", "TRANSPORT", "USER AGENT", "DETAIL"])
        for event in events {
            let source = event.sourceIP.isEmpty ? "-" : RegistrationInfo.address(ip: event.sourceIP, port: event.sourcePort)
            table.append([
                RFC3339.format(event.time), event.kind, event.aor ?? "-", event.username ?? "-", source,
                event.transport.isEmpty ? "-" : event.transport, event.userAgent ?? "-", event.detail ?? "-",
            ])
        }
        Console.out(table.render())
        Console.line(events.count == 1 ? "1 event (newest first)" : "\(events.count) events (newest first)"
            + (events.count == (limit ?? HistoryQuery.defaultLimit) ? "; more may match: raise --limit or narrow --since" : ""))
    }
}
