import ArgumentParser
import ControlAPI

/// `sipwardenctl analysis geo [--since T] [--until T] [--json | --csv]`.
struct AnalysisGeoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Countries the live bindings register from, and where failed attempts come from.",
        discussion: """
            Places each source address with the MaxMind-format country database of \
            geoip.database (DB-IP's free dbip-country-lite.mmdb or MaxMind's \
            GeoLite2-Country.mmdb; none is shipped). Addresses the database does not place \
            show as private (RFC 1918, shared, unique local, link-local), loopback or unknown; \
            without a database every public address is unknown and the command says how to \
            configure one. Failed attempts are those of analysis failures in the window \
            (default the last 30 days).

            --json prints an object with the keys since, database, database_type, note, \
            bindings and failures (arrays of objects with the keys code, name, count and \
            distinct: distinct AORs for bindings, distinct source addresses for failures). \
            --csv prints the rows with the header section, code, name, count, distinct.

            Examples:
              sipwardenctl analysis geo
              sipwardenctl analysis geo --since 24h --json | jq '.failures[0]'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The window's start for the failures: RFC 3339, or a span before now (default 30d).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("The window's end: RFC 3339, or a span before now (default now).", valueName: "time"))
    var until: String?

    @Flag(help: "Print a JSON object instead of tables.")
    var json = false

    @Flag(help: "Print CSV (a header row, then one row per section and country) instead of tables.")
    var csv = false

    func validate() throws {
        try HistoryWindowValidation.check(json: json, csv: csv, since: since, until: until)
    }

    static let columns = ["section", "code", "name", "count", "distinct"]

    func run() async throws {
        let report = try await global.client().geo(AnalysisQuery(since: since, until: until))
        if json {
            try Console.json(report)
            return
        }
        if csv {
            let rows = report.bindings.map { ["bindings", $0.code, $0.name, String($0.count), String($0.distinct)] }
                + report.failures.map { ["failures", $0.code, $0.name, String($0.count), String($0.distinct)] }
            Console.out(CSVText.render(header: Self.columns, rows: rows))
            return
        }
        if let note = report.note { Console.error("note: \(note)") }
        Console.line("Live bindings by country" + (report.database.map { " (\($0))" } ?? "") + ":")
        Console.out(table(report.bindings, count: "BINDINGS", distinct: "AORS"))
        Console.line("Failed attempts since \(RFC3339.format(report.since)):")
        Console.out(table(report.failures, count: "ATTEMPTS", distinct: "SOURCES"))
    }

    private func table(_ rows: [GeoRow], count: String, distinct: String) -> String {
        guard !rows.isEmpty else { return "  none\n" }
        var table = TextTable(headers: ["COUNTRY", "NAME", count, distinct])
        for row in rows { table.append([row.code, row.name, String(row.count), String(row.distinct)]) }
        return table.render()
    }
}
