import ArgumentParser
import ControlAPI

/// `sipwardenctl analysis devices [--since T] [--until T] [--json | --csv]`.
struct AnalysisDevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Devices by vendor, model and firmware: live bindings and AORs per User-Agent type.",
        discussion: """
            Normalises each User-Agent with the devices file's rules (rules/devices.yaml, \
            installed as /etc/sipwarden/devices.yaml; analysis.devices_file): Yealink \
            SIP-T46S 66.86.0.15 is Yealink / T46S / 66.86.0.15. A User-Agent no rule names is \
            vendor other (its first word as the model), a binding without one vendor none. Per \
            device: the live bindings, their distinct AORs, and the distinct AORs that \
            registered with it in the window (default the last 30 days, from the history).

            --json prints an object with the keys since, devices_file, note and devices (an \
            array of objects with the keys vendor, model, firmware, live_bindings, live_aors, \
            aors and example). --csv prints the rows with those keys as the header.

            Examples:
              sipwardenctl analysis devices
              sipwardenctl analysis devices --since 7d --csv > devices.csv
              sipwardenctl analysis devices --json | jq '.devices[] | select(.vendor == "other")'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The window's start: RFC 3339, or a span before now (default 30d).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("The window's end: RFC 3339, or a span before now (default now).", valueName: "time"))
    var until: String?

    @Flag(help: "Print a JSON object instead of a table.")
    var json = false

    @Flag(help: "Print CSV (a header row of the JSON keys) instead of a table.")
    var csv = false

    func validate() throws {
        try HistoryWindowValidation.check(json: json, csv: csv, since: since, until: until)
    }

    static let columns = ["vendor", "model", "firmware", "live_bindings", "live_aors", "aors", "example"]

    func run() async throws {
        let report = try await global.client().devices(AnalysisQuery(since: since, until: until))
        if json {
            try Console.json(report)
            return
        }
        if csv {
            Console.out(CSVText.render(header: Self.columns, rows: report.devices.map { row in
                [row.vendor, row.model, row.firmware, String(row.liveBindings), String(row.liveAORs), String(row.aors), row.example ?? ""]
            }))
            return
        }
        if let note = report.note { Console.error("note: \(note)") }
        guard !report.devices.isEmpty else {
            Console.line("No registrations since \(RFC3339.format(report.since)).")
            return
        }
        var table = TextTable(headers: ["VENDOR", "MODEL", "FIRMWARE", "LIVE BINDINGS", "LIVE AORS", "AORS SINCE"])
        for row in report.devices {
            table.append([row.vendor, row.model.isEmpty ? "-" : row.model, row.firmware.isEmpty ? "-" : row.firmware,
                          String(row.liveBindings), String(row.liveAORs), String(row.aors)])
        }
        Console.out(table.render())
        let live = report.devices.reduce(0) { $0 + $1.liveBindings }
        Console.line("\(live) live bindings; \(report.devices.count) device types since \(RFC3339.format(report.since))"
            + (report.devicesFile.map { " (rules: \($0))" } ?? ""))
    }
}
