import ArgumentParser
import ControlAPI

/// `sipwardenctl plugins list [--json]`.
struct PluginsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every policy plugin: name, version, state (loaded, disabled, failed) and file.",
        discussion: """
            Shipped plugins no policy file names run on their built-in defaults (CONFIG \
            "defaults"). --json prints an array, one object per plugin, with the keys name, \
            version, file, state, detail, source, policy_file, enforce, stale, events_handled, \
            events_dropped, decisions, restarts and last_exit (stable; see docs/cli.md).

            Examples:
              sipwardenctl plugins list
              sipwardenctl plugins list --json | jq -r '.[] | select(.state != "loaded") | .name'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() async throws {
        let plugins = try await global.client().plugins()
        if json {
            try Console.json(plugins)
            return
        }
        guard !plugins.isEmpty else {
            Console.line("No plugins (no policy files are enabled).")
            return
        }
        Console.out(PluginsTable.render(plugins))
        Console.line(PluginsTable.summary(plugins))
    }
}
