import ArgumentParser
import ControlAPI

/// `sipwardenctl ban list [--json]`.
struct BanListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every ban in force: address or range, time left, who banned it and why.",
        discussion: """
            --json prints an array, one object per ban, with the keys address, expires_in, \
            reason, source, created_at, expires_at and evidence_count (stable; see docs/cli.md).

            Examples:
              sipwardenctl ban list
              sipwardenctl ban list --json
              sipwardenctl ban list --json | jq -r '.[] | select(.source == "bruteforce") | .address'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() async throws {
        let bans = try await global.client().bans()
        if json {
            try Console.json(bans)
            return
        }
        guard !bans.isEmpty else {
            Console.line("No bans.")
            return
        }
        var table = TextTable(headers: ["ADDRESS", "EXPIRES", "SOURCE", "SINCE", "REASON"])
        for ban in bans {
            table.append([
                ban.address, DurationText.format(seconds: ban.expiresIn), ban.source, RFC3339.format(ban.createdAt),
                ban.reason,
            ])
        }
        Console.out(table.render())
        Console.line("\(bans.count) ban\(bans.count == 1 ? "" : "s").")
    }
}
