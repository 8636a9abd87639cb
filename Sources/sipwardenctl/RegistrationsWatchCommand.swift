import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl registrations watch [--interval S] [--iterations N] [filters]`: a live view.
struct RegistrationsWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "A live, self-refreshing view of the registrations (like top), with counts at the top.",
        discussion: """
            Redraws every --interval seconds: a header with the time and the counts (bindings, \
            AORs, registered, unreachable, expired, NAT, UDP/TCP), then the table 'registrations \
            list' prints for the same filters (--status all by default, so phones that dropped \
            off show as expired). Ctrl-C ends it cleanly. On a terminal the screen is cleared \
            between frames; otherwise frames follow one another, separated by a blank line. \
            --iterations stops after that many frames (scripts, tests).

            Examples:
              sipwardenctl registrations watch
              sipwardenctl registrations watch --interval 5 --number '10*'
              sipwardenctl registrations watch --iterations 1 > snapshot.txt
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: RegistrationFilterOptions

    @Option(help: ArgumentHelp("Seconds between refreshes (0.2 to 3600).", valueName: "seconds"))
    var interval: Double = 2

    @Option(help: ArgumentHelp("Stop after this many frames (default: until Ctrl-C).", valueName: "count"))
    var iterations: Int?

    func validate() throws {
        guard (0.2...3600).contains(interval) else { throw ValidationError("--interval must be between 0.2 and 3600 seconds, e.g. --interval 2") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1, e.g. --iterations 1") }
    }

    func run() async throws {
        let query = try filters.query(defaultStatus: .all)
        var client = try global.client()
        client.timeoutSeconds = 30
        let terminal = isatty(STDOUT_FILENO) == 1
        let interrupt = WatchInterrupt(restoreCursor: terminal)
        defer { interrupt.cancel() }
        if terminal { Console.out("\u{1B}[?25l") }  // hide the cursor while redrawing
        var frame = 0
        while true {
            frame += 1
            let rows = try await client.registrations(matching: query)
            var text = terminal ? "\u{1B}[H\u{1B}[2J" : (frame > 1 ? "\n" : "")
            text += Self.header(rows, interval: interval) + "\n\n"
            text += rows.isEmpty ? "No registrations match.\n" : RegistrationTable.render(rows)
            Console.out(text)
            if let iterations, frame >= iterations { break }
            try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
        }
        if terminal { Console.out("\u{1B}[?25h") }
    }

    /// "sipwarden registrations — 2026-11-27T01:00:00Z — every 2s, Ctrl-C to quit" and the counts.
    static func header(_ rows: [RegistrationInfo], interval: Double) -> String {
        let count = { (status: RegistrationStatus) in rows.filter { $0.status == status }.count }
        let live = rows.filter { $0.status != .expired }
        let intervalText = interval == interval.rounded() ? "\(Int(interval))s" : "\(interval)s"
        return """
            sipwarden registrations — \(RFC3339.format(Date())) — every \(intervalText), Ctrl-C to quit
            Bindings: \(live.count) live  AORs: \(Set(live.map(\.aor)).count)  registered: \(count(.registered))  unreachable: \(count(.unreachable))  expired: \(count(.expired))  NAT: \(live.filter(\.nat).count)  UDP: \(live.filter { $0.transport == "UDP" }.count)  TCP: \(live.filter { $0.transport == "TCP" }.count)
            """
    }
}
