import ArgumentParser
import ControlAPI

/// `sipwardenctl plugins reload`.
struct PluginsReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Re-read the policy files: new, changed and removed plugins take effect.",
        discussion: """
            Registrations and bans are kept. Sending SIGHUP to the daemon does the same. \
            Prints the plugins after the reload; exit status 1 when any of them failed (a bad \
            policy file, a library that does not load), naming each. A changed policy file that \
            does not load leaves its plugin running with its last good configuration: the \
            reload then exits 1 naming the file, key and value ('plugins list' shows it stale).

            Examples:
              sipwardenctl plugins reload
              sipwardenctl plugins reload --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the plugins after the reload as a JSON array.")
    var json = false

    func run() async throws {
        let plugins = try await global.client().reloadPlugins()
        if json {
            try Console.json(plugins)
        } else if plugins.isEmpty {
            Console.line("Reloaded: no plugins (no policy files are enabled).")
        } else {
            Console.out(PluginsTable.render(plugins))
            Console.line("Reloaded: " + PluginsTable.summary(plugins))
        }
        let failed = plugins.filter { $0.state == "failed" }
        guard failed.isEmpty else {
            let names = failed.map { "\($0.name) (\($0.detail ?? "no detail"))" }.joined(separator: "; ")
            throw CLIFailure.failed("\(failed.count) plugin\(failed.count == 1 ? "" : "s") failed after the reload: \(names)")
        }
    }
}
