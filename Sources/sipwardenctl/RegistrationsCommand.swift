import ArgumentParser

/// `sipwardenctl registrations ...`: the location service's bindings.
struct RegistrationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registrations",
        abstract: "Show who is registered, from where.",
        discussion: """
            Examples:
              sipwardenctl registrations list
              sipwardenctl registrations list --json | jq '.[] | select(.nat)'
            """,
        subcommands: [RegistrationsListCommand.self]
    )
}
