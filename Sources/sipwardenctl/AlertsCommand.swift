import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl alerts [--since T] [--until T] [--limit N] [--json | --csv]`.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alerts on registration anomalies: what is raised now, and the alerts of the window.",
        discussion: """
            The alert engine watches the history's per-minute rollups: a drop of active \
            bindings, a spike of failures, a spike of the registration rate. Each alert says \
            what it saw and expected, e.g. "active bindings 412, expected 980 ± 60 (-58 %) \
            since 14:02", is raised once (alert.raised) and clears when the figure is back in \
            its band (alert.cleared); thresholds are under alerts: in the configuration. The \
            list also holds the plugins' alerts. Window: default the last 7 days, newest first.

            --json prints an object with the keys enabled, states (the engine's alerts now: \
            alert, raised, since, observed, expected, deviation, basis), events (time, event, \
            source, severity, message) and webhook. --csv prints the events with those keys \
            as the header.

            Examples:
              sipwardenctl alerts
              sipwardenctl alerts --since 30d --csv > alerts.csv
              sipwardenctl alerts --json | jq '.states[] | select(.raised)'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The window's start: RFC 3339, or a span before now (default 7d).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("The window's end: RFC 3339, or a span before now (default now).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("At most this many events (default 1000).", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print a JSON object instead of tables.")
    var json = false

    @Flag(help: "Print the events as CSV (a header row of the JSON keys) instead of tables.")
    var csv = false

    func validate() throws {
        try HistoryWindowValidation.check(json: json, csv: csv, since: since, until: until, limit: limit)
    }

    static let columns = ["time", "event", "source", "severity", "message"]

    func run() async throws {
        let report = try await global.client().alerts(AnalysisQuery(since: since, until: until, limit: limit))
        if json {
            try Console.json(report)
            return
        }
        if csv {
            Console.out(CSVText.render(header: Self.columns, rows: report.events.map {
                [RFC3339.format($0.time), $0.event, $0.source, $0.severity, $0.message]
            }))
            return
        }
        if report.enabled {
            var states = TextTable(headers: ["ALERT", "STATE", "SINCE", "LAST MINUTE", "EXPECTED", "BASIS"])
            for state in report.states {
                let expected = state.expected.map { "\(Self.number($0)) ± \(Self.number(state.deviation ?? 0))" } ?? "learning"
                states.append([state.alert, state.raised ? "RAISED" : "ok", state.since ?? "-", state.observed.map(Self.number) ?? "-",
                               expected, state.basis ?? "-"])
            }
            Console.out(states.render())
        } else {
            Console.line("The alert engine is off (alerts.enabled: false, or the history is disabled).")
        }
        if let webhook = report.webhook {
            Console.line("webhook: \(webhook.urls) URL(s), \(webhook.delivered) delivered, \(webhook.failed) failed, \(webhook.dropped) dropped"
                + (webhook.lastError.map { "; last error: \($0)" } ?? ""))
        }
        guard !report.events.isEmpty else {
            Console.line("No alerts in this window.")
            return
        }
        var table = TextTable(headers: ["TIME", "EVENT", "SOURCE", "SEVERITY", "MESSAGE"])
        for event in report.events {
            table.append([RFC3339.format(event.time), event.event, event.source, event.severity, event.message])
        }
        Console.out(table.render())
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
