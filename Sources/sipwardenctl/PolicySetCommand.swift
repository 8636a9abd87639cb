import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl policy set NAME FILE [--json]`: check, install and reload a policy file.
struct PolicySetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Check a policy file with the daemon's plugin loader, then install it and reload.",
        discussion: """
            The daemon parses FILE and creates its plugin with it, as a reload would; only when \
            that succeeds is it written over the plugin's policy file and the plugins reloaded \
            (what the web console's rules page does). A refused file changes nothing: exit \
            status 1, naming file, key and value. --json prints the plugins after the reload.

            Examples:
              sipwardenctl policy set bruteforce ./bruteforce.yaml
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The plugin's name.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("The new policy file (YAML).", valueName: "file"))
    var file: String

    @Flag(help: "Print the plugins after the reload as JSON.")
    var json = false

    func run() async throws {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw CLIFailure.usage("cannot read \(file): \(error.localizedDescription)")
        }
        let plugins = try await global.client().updatePolicyFile(plugin: name, text: text)
        if json {
            try Console.json(plugins)
        } else {
            let state = plugins.first { $0.name == name }?.state ?? "unknown"
            Console.line("Policy of \(name) installed and reloaded: \(name) is \(state).")
        }
    }
}
