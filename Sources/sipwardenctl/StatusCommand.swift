import ArgumentParser
import ControlAPI

/// `sipwardenctl status [--json]`: is the daemon up, and how much does it hold.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether the daemon answers, its version, uptime, sizes and which protections are active.",
        discussion: """
            One line per policy plugin: its state and whether it runs on its built-in defaults or \
            a policy file (and `dry run` for enforce: false). When no plugin is loaded and \
            enforcing, a line starting PROTECTION OFF says so and how to fix it. A history line \
            gives the registration history's events written and dropped (a full queue drops \
            rather than slow the SIP path) and the file's size, or says it is off. \
            Exit status 3 when the daemon is not running, so scripts can wait for it.

            Examples:
              sipwardenctl status
              until sipwardenctl status >/dev/null 2>&1; do sleep 0.2; done
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON object (version, uptime_seconds, bindings, subscribers, firewall, firewall_table, protection_active, protections, policies_dir, history).")
    var json = false

    func run() async throws {
        let health = try await global.client().health()
        if json {
            try Console.json(health)
            return
        }
        Console.line(
            "sipwarden \(health.version), up \(DurationText.format(seconds: health.uptimeSeconds)): "
                + "\(health.bindings) binding\(health.bindings == 1 ? "" : "s"), "
                + "\(health.subscribers) subscriber\(health.subscribers == 1 ? "" : "s")"
                + (health.firewall.map { "; bans enforced by the \($0) firewall" } ?? "")
                + (health.firewallTable.map { " (table \($0))" } ?? "") + ".")
        guard let protections = health.protections else { return }
        // A daemon that reports protections reports its history too (absent: disabled).
        if let history = health.history {
            Console.line("history: \(history.eventsWritten) events written, \(history.eventsDropped) dropped"
                + (history.eventsDropped > 0 ? " (queue full or writes failing: see the daemon's log)" : "")
                + ", \(history.databaseBytes / 1_048_576) MiB in use")
        } else {
            Console.line("history: off (history.enabled: false; registrations show reads the security log)")
        }
        Console.line("policies: \(health.policiesDirectory ?? "no policies directory (every shipped plugin on its built-in defaults)")")
        for protection in protections {
            var line = "  \(protection.name): \(protection.state)"
            line += protection.source == "defaults" ? ", built-in defaults" : ", policy file"
            if !protection.enforce { line += ", dry run (enforce: false)" }
            if let stale = protection.stale { line += ", STALE (last reload not applied: \(stale))" }
            Console.line(line)
        }
        if health.protectionActive == false {
            Console.line("PROTECTION OFF: no policy plugin is loaded and enforcing, so attackers are not banned. "
                + "Remove `enabled: false` / `enforce: false` from (or fix) the policy files, then run 'sipwardenctl plugins reload'; "
                + "'sipwardenctl plugins list' says why each plugin is off.")
        }
    }
}
