import ArgumentParser
import ControlAPI

/// `sipwardenctl trunk refresh NAME [--json]`.
struct TrunkRefreshCommand: TrunkStateCommand {
    static let trunkCommand = TrunkCommand.refresh

    static let configuration = CommandConfiguration(
        commandName: "refresh", abstract: "Register a trunk at once, forgetting a rejection (after the carrier fixed the account).",
        discussion: """
            A trunk of the configuration file changes only until the daemon restarts; one added \
            with 'trunk add' keeps the change in the database. Prints the trunk's state after.

            Examples:
              sipwardenctl trunk refresh carrier1
              sipwardenctl trunk refresh carrier1 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The trunk's name.", valueName: "name"))
    var name: String

    @Flag(help: "Print the trunk as JSON.")
    var json = false
}
