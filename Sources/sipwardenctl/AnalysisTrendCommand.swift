import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl analysis trend [--since T] [--until T] [--step 1m|1h|1d] [--json | --csv]`.
struct AnalysisTrendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend",
        abstract: "Registration trend per step: active bindings, new, refreshed, removed, failed, peak per second.",
        discussion: """
            Per step (1m from the per-minute rollups, 1h or 1d from the per-hour ones, which \
            are kept for history.rollup_retention, a year by default): active bindings at the \
            end of the step, new registrations, refreshes, removals (removed, lapsed, forced \
            out), failed attempts, and the most successful REGISTERs in one second. Steps with \
            nothing recorded are left out. A sparkline shows the active bindings, a bar each \
            step's successful REGISTERs.

            Then the registration rate's peak against its steady state (the median over the \
            steps of successful REGISTERs per second). The capacity rule of softswitch manuals \
            (VOS3000 2.5.5): provision 3 to 5 times the steady-state rate, since after an \
            outage every phone re-registers at once; a peak above 5 times says the headroom \
            must be sized for the peak seen.

            --json prints step, since, until, points (start, start_ms, active_bindings, \
            registrations, refreshes, removals, failures, failures_by_kind, distinct_sources, \
            peak_per_second), steady_per_second, peak_per_second and peak_to_steady. --csv \
            prints the points.

            Examples:
              sipwardenctl analysis trend
              sipwardenctl analysis trend --since 30d --step 1d
              sipwardenctl analysis trend --since 2h --step 1m --csv
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The window's start: RFC 3339, or a span before now (default 7d).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("The window's end: RFC 3339, or a span before now (default now).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("The step: 1m, 1h (default) or 1d.", valueName: "step"))
    var step: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Print the steps as CSV instead of a table.")
    var csv = false

    func validate() throws {
        try HistoryWindowValidation.check(json: json, csv: csv, since: since, until: until)
        if let step, HistoryStep(rawValue: step) == nil {
            throw ValidationError("--step \(step): give one of \(HistoryStep.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    static let columns = [
        "start", "start_ms", "active_bindings", "registrations", "refreshes", "removals", "failures", "distinct_sources", "peak_per_second",
    ]

    func run() async throws {
        let report = try await global.client().trend(AnalysisQuery(since: since, until: until, step: step.flatMap(HistoryStep.init(rawValue:))))
        if json {
            try Console.json(report)
            return
        }
        if csv {
            Console.out(CSVText.render(header: Self.columns, rows: report.points.map { point in
                [Self.time(point.startMilliseconds), String(point.startMilliseconds), point.activeBindings.map(String.init) ?? "",
                 String(point.registrations), String(point.refreshes), String(point.removals), String(point.failures),
                 String(point.distinctSources), String(point.peakPerSecond)]
            }))
            return
        }
        Console.out(Self.render(report))
    }

    /// The human report: the table, the sparkline, the rates and the capacity rule.
    static func render(_ report: TrendReport) -> String {
        var text = "Registration trend, \(RFC3339.format(report.since)) to \(RFC3339.format(report.until)), step \(report.step.rawValue)\n"
        guard !report.points.isEmpty else {
            return text + "Nothing recorded in this window.\n"
        }
        let maximum = report.points.map(\.successfulRegisters).max() ?? 0
        var table = TextTable(headers: ["STEP", "ACTIVE", "NEW", "REFRESHED", "REMOVED", "FAILED", "PEAK/S", "REGISTERS"])
        for point in report.points {
            table.append([
                time(point.startMilliseconds), point.activeBindings.map(String.init) ?? "-", String(point.registrations),
                String(point.refreshes), String(point.removals), String(point.failures), String(point.peakPerSecond),
                Sparkline.bar(point.successfulRegisters, maximum: maximum),
            ])
        }
        text += table.render()
        text += "active bindings: " + Sparkline.line(report.points.map(\.activeBindings)) + "\n\n"
        text += String(format: "Registration rate: steady state %.2f/s (median per step), peak %d/s in one second", report.steadyPerSecond, report.peakPerSecond)
        if let ratio = report.peakToSteady {
            text += String(format: ": %.1f× the steady state.\n", ratio)
            text += String(
                format: "Capacity rule: provision 3 to 5 times the steady-state rate (%.1f to %.1f/s here), since after an outage every phone re-registers at once",
                report.steadyPerSecond * 3, report.steadyPerSecond * 5)
            text += ratio > 5 ? "; the peak seen is above 5×: size the headroom for it.\n" : ".\n"
        } else {
            text += ".\nCapacity rule: provision 3 to 5 times the steady-state rate (no steady rate in this window to apply it to).\n"
        }
        return text
    }

    private static func time(_ milliseconds: Int64) -> String {
        RFC3339.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
