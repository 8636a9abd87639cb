import ArgumentParser
import ControlAPI

/// `sipwardenctl policy show NAME [--json]`: a plugin's policy file as the daemon reads it.
struct PolicyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a plugin's policy file as the running daemon reads it.",
        discussion: """
            --json prints an object with the keys plugin, path and text (empty when the plugin \
            runs on its built-in defaults and has no file).

            Examples:
              sipwardenctl policy show bruteforce
              sipwardenctl policy show bruteforce --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The plugin's name, as 'plugins list' shows it.", valueName: "name"))
    var name: String

    @Flag(help: "Print JSON instead of the file.")
    var json = false

    func run() async throws {
        let file = try await global.client().policyFile(plugin: name)
        if json {
            try Console.json(file)
        } else if file.text.isEmpty {
            Console.line("\(name) has no policy file (it runs on its built-in defaults); 'policy set' would write \(file.path).")
        } else {
            Console.out(file.text)
        }
    }
}
