import ArgumentParser
import ControlAPI

/// `sipwardenctl console user remove NAME`.
struct ConsoleUserRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a web console account.",
        discussion: """
            Exit status 1 when there is no such account. Its open console sessions end within \
            two seconds.

            Examples:
              sipwardenctl console user remove bob
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The login name.", valueName: "name"))
    var name: String

    func run() async throws {
        try await global.client().removeConsoleUser(name: name)
        Console.line("Console user \(name) removed.")
    }
}
