import ArgumentParser

/// `sipwardenctl ban ...`: the addresses and ranges whose packets are dropped.
struct BanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ban",
        abstract: "List, add and remove bans, and show why an address is banned.",
        discussion: """
            A banned source's packets are dropped before they are parsed: it gets no answer at \
            all. Plugins ban on their own (brute force, scanners, floods); these commands are \
            the operator's hand on the same list. Trusted ranges are never banned.

            Examples:
              sipwardenctl ban list
              sipwardenctl ban add 203.0.113.7 --for 2h --reason "SIP scanner seen in the PBX log"
              sipwardenctl ban add 198.51.100.0/24 --for 7d --reason "abuse from this network"
              sipwardenctl ban why 203.0.113.7
              sipwardenctl ban remove 203.0.113.7
              sipwardenctl ban import blocklist.txt --for 7d --reason "crowdsec list"
            """,
        subcommands: [BanListCommand.self, BanAddCommand.self, BanRemoveCommand.self, BanWhyCommand.self, BanImportCommand.self]
    )
}
