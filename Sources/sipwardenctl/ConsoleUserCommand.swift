import ArgumentParser

/// `sipwardenctl console user add|list|remove`.
struct ConsoleUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list and remove web console accounts.",
        discussion: """
            Examples:
              sipwardenctl console user add alice --role admin
              sipwardenctl console user list --json
              sipwardenctl console user remove alice
            """,
        subcommands: [ConsoleUserAddCommand.self, ConsoleUserListCommand.self, ConsoleUserRemoveCommand.self]
    )
}
