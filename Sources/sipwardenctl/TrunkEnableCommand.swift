import ArgumentParser
import ControlAPI

/// `sipwardenctl trunk enable NAME [--json]`.
struct TrunkEnableCommand: TrunkStateCommand {
    static let trunkCommand = TrunkCommand.enable

    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Turn a trunk on: it registers at once (and after restarts).",
        discussion: """
            A trunk of the configuration file changes only until the daemon restarts; one added \
            with 'trunk add' keeps the change in the database. Prints the trunk's state after.

            Examples:
              sipwardenctl trunk enable carrier1
              sipwardenctl trunk enable carrier1 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The trunk's name.", valueName: "name"))
    var name: String

    @Flag(help: "Print the trunk as JSON.")
    var json = false
}
