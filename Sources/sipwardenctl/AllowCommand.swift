import ArgumentParser

/// `sipwardenctl allow ...`: where each phone may register from.
struct AllowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow",
        abstract: "Add, remove and list the address ranges a phone may register from.",
        discussion: """
            A phone with allowed ranges is refused (403, event acl.denied) when it registers \
            from anywhere else, whatever its auth mode. The ip, ip+port and password+ip auth \
            modes need at least one range. A rule with --port allows only that source port (what \
            ip+port asks for). Changes take effect at once, in the registrar and in the \
            firewall's allowed set (a phone's ranges are never blocked).

            Examples:
              sipwardenctl allow add 1001 192.0.2.0/24
              sipwardenctl allow add 2001 198.51.100.7 --port 5060
              sipwardenctl allow list
              sipwardenctl allow list 1001 --json
              sipwardenctl allow remove 1001 192.0.2.0/24
            """,
        subcommands: [AllowAddCommand.self, AllowRemoveCommand.self, AllowListCommand.self]
    )
}
