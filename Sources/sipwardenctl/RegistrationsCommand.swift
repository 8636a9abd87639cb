import ArgumentParser

/// `sipwardenctl registrations ...`: the location service's bindings.
struct RegistrationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registrations",
        abstract: "Show who is registered, from where; force-unregister; export; watch live.",
        discussion: """
            Examples:
              sipwardenctl registrations list
              sipwardenctl registrations list --number '100*' --ip 192.0.2.0/24 --sort -expires
              sipwardenctl registrations list --status expired
              sipwardenctl registrations list --json | jq '.[] | select(.nat)'
              sipwardenctl registrations show sip:1001@example.com
              sipwardenctl registrations unregister sip:1001@example.com --dry-run
              sipwardenctl registrations unregister --ip 203.0.113.0/24
              sipwardenctl registrations export --format csv -o registrations.csv
              sipwardenctl registrations watch --interval 5
            """,
        subcommands: [
            RegistrationsListCommand.self, RegistrationsShowCommand.self, RegistrationsUnregisterCommand.self,
            RegistrationsExportCommand.self, RegistrationsWatchCommand.self,
        ]
    )
}
