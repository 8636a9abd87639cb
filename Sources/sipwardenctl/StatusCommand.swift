import ArgumentParser
import ControlAPI

/// `sipwardenctl status [--json]`: is the daemon up, and how much does it hold.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether the daemon answers, its version, uptime and sizes.",
        discussion: """
            Exit status 3 when the daemon is not running, so scripts can wait for it.

            Examples:
              sipwardenctl status
              until sipwardenctl status >/dev/null 2>&1; do sleep 0.2; done
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON object (version, uptime_seconds, bindings, subscribers, firewall).")
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
                + (health.firewall.map { "; bans enforced by the \($0) firewall" } ?? "") + ".")
    }
}
