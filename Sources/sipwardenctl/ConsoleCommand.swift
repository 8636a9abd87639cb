import ArgumentParser

/// `sipwardenctl console user add|list|remove`: the web console's accounts.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Manage the web console's accounts.",
        discussion: """
            The daemon serves the web console when console.listen is set in its configuration \
            (e.g. console.listen: 127.0.0.1:8080). An admin may do everything there, a viewer \
            only look. Passwords are kept as salted PBKDF2-SHA256 hashes.

            Examples:
              sipwardenctl console user add alice --role admin
              printf '%s\\n' "$PW" | sipwardenctl console user add bob --role viewer --password-stdin
              sipwardenctl console user list
              sipwardenctl console user remove bob
            """,
        subcommands: [ConsoleUserCommand.self]
    )
}
