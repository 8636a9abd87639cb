import ArgumentParser

/// `sipwardenctl trusted add|remove|list`: ranges never banned.
struct TrustedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trusted",
        abstract: "Add, remove and list trusted ranges: never banned (the office, the carriers).",
        discussion: """
            Trusted ranges come from the configuration file's 'trusted:' list (origin config, \
            changed only there) and from these commands (origin operator, kept in the database). \
            Both apply at once: a plugin or 'ban add' never bans a trusted address, and the \
            firewall never blocks one, even under a ban of a wider range.

            Examples:
              sipwardenctl trusted add 192.0.2.0/24
              sipwardenctl trusted list
              sipwardenctl trusted list --json
              sipwardenctl trusted remove 192.0.2.0/24
            """,
        subcommands: [TrustedAddCommand.self, TrustedRemoveCommand.self, TrustedListCommand.self]
    )
}
