import ArgumentParser
import ControlAPI

/// `sipwardenctl analysis failures [--since T] [--until T] [--limit N] [--json | --csv]`.
struct AnalysisFailuresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures",
        abstract: "Failed registrations per user and source: reason, count, first and last seen, User-Agent.",
        discussion: """
            Groups the failed attempts of the window (default the last 24 hours) by user (the \
            digest username, else the AOR), source address and reason: wrong password, unknown \
            user, stale nonce, ACL (outside the phone's allowed ranges), rate limited, banned, \
            rejected (registrar rules); most attempts first. The country column is filled when \
            a GeoIP database is configured.

            --json prints an array of objects with the keys user, source_ip, reason, kind, \
            count, first_seen, last_seen, user_agent and country. --csv prints the same keys.

            Examples:
              sipwardenctl analysis failures
              sipwardenctl analysis failures --since 7d --limit 20
              sipwardenctl analysis failures --json | jq '.[] | select(.reason == "unknown user")'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The window's start: RFC 3339, or a span before now (default 24h).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("The window's end: RFC 3339, or a span before now (default now).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("At most this many rows (default 1000).", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @Flag(help: "Print CSV (a header row of the JSON keys) instead of a table.")
    var csv = false

    func validate() throws {
        try HistoryWindowValidation.check(json: json, csv: csv, since: since, until: until, limit: limit)
    }

    static let columns = ["user", "source_ip", "reason", "kind", "count", "first_seen", "last_seen", "user_agent", "country"]

    func run() async throws {
        let groups = try await global.client().failures(AnalysisQuery(since: since, until: until, limit: limit))
        if json {
            try Console.json(groups)
            return
        }
        if csv {
            Console.out(CSVText.render(header: Self.columns, rows: groups.map { group in
                [group.user, group.sourceIP, group.reason, group.kind, String(group.count), RFC3339.format(group.firstSeen),
                 RFC3339.format(group.lastSeen), group.userAgent ?? "", group.country ?? ""]
            }))
            return
        }
        guard !groups.isEmpty else {
            Console.line("No failed registrations in this window.")
            return
        }
        var table = TextTable(headers: ["USER", "SOURCE", "COUNTRY", "REASON", "COUNT", "FIRST SEEN", "LAST SEEN", "USER AGENT"])
        for group in groups {
            table.append([
                group.user.isEmpty ? "-" : group.user, group.sourceIP.isEmpty ? "-" : group.sourceIP, group.country ?? "-", group.reason,
                String(group.count), RFC3339.format(group.firstSeen), RFC3339.format(group.lastSeen), group.userAgent ?? "-",
            ])
        }
        Console.out(table.render())
        let attempts = groups.reduce(0) { $0 + $1.count }
        Console.line("\(attempts) failed attempts in \(groups.count) groups")
    }
}
