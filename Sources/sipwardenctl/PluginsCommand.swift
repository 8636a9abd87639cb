import ArgumentParser

/// `sipwardenctl plugins ...`: the policy plugins the daemon runs.
struct PluginsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the policy plugins and reload their policy files.",
        discussion: """
            Examples:
              sipwardenctl plugins list
              sipwardenctl plugins list --json
              sipwardenctl plugins reload
            """,
        subcommands: [PluginsListCommand.self, PluginsReloadCommand.self]
    )
}
