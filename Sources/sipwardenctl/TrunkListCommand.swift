import ArgumentParser
import ControlAPI

/// `sipwardenctl trunk list [--json]`.
struct TrunkListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the trunks and the state of each registration.",
        discussion: """
            STATE is registered, registering, retrying (NEXT says when), rejected (the carrier \
            refused the credentials twice; LAST FAILURE says why) or disabled. --json prints an \
            array of objects with the keys of 'trunk show --json'; see docs/trunks.md.

            Examples:
              sipwardenctl trunk list
              sipwardenctl trunk list --json
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() async throws {
        let trunks = try await global.client().trunks()
        if json {
            try Console.json(trunks)
            return
        }
        guard !trunks.isEmpty else {
            Console.line("No trunks.")
            return
        }
        Console.out(TrunkTable.render(trunks))
    }
}
