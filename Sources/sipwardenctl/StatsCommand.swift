import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl stats [--json]`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show traffic and security figures: registrations, rates, timings, bans, events.",
        discussion: """
            Rates are over the last 60 seconds; timings (REGISTER receipt to response, the \
            durable commit included) and event counts since the daemon started; p99 is the \
            upper bound of its power-of-two histogram bucket. --json prints an object with the \
            keys registrations, aors, registers_last_minute, registers_per_second, \
            auth_failures_last_minute, auth_failures_per_second, registers_total, \
            register_time_avg_ms, register_time_p99_ms, active_bans and events; see docs/cli.md. \
            The same figures are served to Prometheus when metrics.listen is set.

            Examples:
              sipwardenctl stats
              sipwardenctl stats --json | jq .events
              watch -n 5 sipwardenctl stats
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON object instead of text.")
    var json = false

    func run() async throws {
        let stats = try await global.client().stats()
        if json {
            try Console.json(stats)
            return
        }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.3f ms", $0) } ?? "-" }
        var text = ""
        text += "Registrations:        \(stats.registrations) bindings, \(stats.aors) AORs\n"
        text += "REGISTERs OK:         \(String(format: "%.2f", stats.registersPerSecond))/s (\(stats.registersLastMinute) in the last minute)\n"
        text += "Auth failures:        \(String(format: "%.2f", stats.authFailuresPerSecond))/s (\(stats.authFailuresLastMinute) in the last minute)\n"
        text += "REGISTER time:        avg \(ms(stats.registerTimeAvgMs)), p99 \(ms(stats.registerTimeP99Ms)) over \(stats.registersTotal)\n"
        text += "Active bans:          \(stats.activeBans)\n"
        Console.out(text)
        guard !stats.events.isEmpty else {
            Console.line("No events yet.")
            return
        }
        var table = TextTable(headers: ["EVENT", "COUNT"])
        for (kind, count) in stats.events.sorted(by: { $0.key < $1.key }) { table.append([kind, String(count)]) }
        Console.out(table.render())
    }
}
