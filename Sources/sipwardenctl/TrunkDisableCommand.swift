import ArgumentParser
import ControlAPI

/// `sipwardenctl trunk disable NAME [--json]`.
struct TrunkDisableCommand: TrunkStateCommand {
    static let trunkCommand = TrunkCommand.disable

    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Turn a trunk off: it un-REGISTERs (Expires: 0) and stays off after restarts.",
        discussion: """
            A trunk of the configuration file changes only until the daemon restarts; one added \
            with 'trunk add' keeps the change in the database. Prints the trunk's state after.

            Examples:
              sipwardenctl trunk disable carrier1
              sipwardenctl trunk disable carrier1 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The trunk's name.", valueName: "name"))
    var name: String

    @Flag(help: "Print the trunk as JSON.")
    var json = false
}
