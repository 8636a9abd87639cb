import ArgumentParser
import ControlAPI

/// `sipwardenctl trunk remove NAME [--json]`.
struct TrunkRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Un-REGISTER a trunk and delete it.",
        discussion: """
            The trunk sends a REGISTER with Expires: 0, is deleted from the database, and its \
            carrier's addresses stop being trusted. A trunk of the configuration file cannot be \
            removed here (exit status 1): remove it from 'trunks:' there, or disable it.

            Examples:
              sipwardenctl trunk remove carrier1
              sipwardenctl trunk remove carrier1 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The trunk's name.", valueName: "name"))
    var name: String

    @Flag(help: "Print {\"removed\": NAME} as JSON.")
    var json = false

    func run() async throws {
        try await global.client().removeTrunk(named: name)
        if json {
            try Console.json(["removed": name])
            return
        }
        Console.line("Removed trunk \(name).")
    }
}
