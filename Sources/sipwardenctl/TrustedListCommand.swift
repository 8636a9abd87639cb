import ArgumentParser
import ControlAPI

/// `sipwardenctl trusted list [--json]`.
struct TrustedListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List trusted ranges and where each comes from.",
        discussion: """
            --json prints an array of objects with the keys cidr and origin (config, \
            operator, or 'trunk NAME' for a trunk's carrier address, trusted while the trunk \
            exists); see docs/cli.md.

            Examples:
              sipwardenctl trusted list
              sipwardenctl trusted list --json
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() async throws {
        let ranges = try await global.client().trustedRanges()
        if json {
            try Console.json(ranges)
            return
        }
        guard !ranges.isEmpty else {
            Console.line("No trusted ranges.")
            return
        }
        var table = TextTable(headers: ["CIDR", "ORIGIN"])
        for range in ranges { table.append([range.cidr, range.origin]) }
        Console.out(table.render())
    }
}
