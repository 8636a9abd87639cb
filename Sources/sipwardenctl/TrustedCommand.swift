import ArgumentParser
import ControlAPI

/// `sipwardenctl trusted add|remove|list`: ranges never banned.
struct TrustedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trusted",
        abstract: "Add, remove and list trusted ranges: never banned (the office, the carriers).",
        discussion: """
            Trusted ranges come from the configuration file's 'trusted:' list (origin config,
            changed only there) and from these commands (origin operator, kept in the database).
            Both apply at once: a plugin or 'ban add' never bans a trusted address, and the
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

/// `sipwardenctl trusted add CIDR`.
struct TrustedAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Trust an address or range.",
        discussion: """
            Examples:
              sipwardenctl trusted add 192.0.2.10
              sipwardenctl trusted add 2001:db8:1::/48
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("An address or CIDR range.", valueName: "cidr"))
    var cidr: String

    func validate() throws {
        if let problem = AccessRange.problem(cidr) { throw ValidationError(problem) }
    }

    func run() async throws {
        let added = try await global.client().addTrusted(TrustedRangeRequest(cidr: cidr))
        Console.line("Trusted \(added.cidr): never banned.")
    }
}

/// `sipwardenctl trusted remove CIDR`.
struct TrustedRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Stop trusting a range added with 'trusted add'.",
        discussion: """
            Ranges from the configuration file are refused here (exit status 1): remove them
            there. Exit status 1 as well when the range is not trusted.

            Examples:
              sipwardenctl trusted remove 192.0.2.10
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The address or CIDR range, as listed.", valueName: "cidr"))
    var cidr: String

    func validate() throws {
        if let problem = AccessRange.problem(cidr) { throw ValidationError(problem) }
    }

    func run() async throws {
        try await global.client().removeTrusted(cidr: cidr)
        Console.line("\(AccessRange.canonical(cidr) ?? cidr) is no longer trusted.")
    }
}

/// `sipwardenctl trusted list [--json]`.
struct TrustedListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List trusted ranges and where each comes from.",
        discussion: """
            --json prints an array of objects with the keys cidr and origin (config or
            operator); see docs/cli.md.

            Examples:
              sipwardenctl trusted list
              sipwardenctl trusted list --json
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() async throws {
        let ranges = try await global.client().trustedRanges()
        if json {
            try Console.json(ranges)
            return
        }
        guard !ranges.isEmpty else {
            Console.line("No trusted ranges.")
            return
        }
        var table = TextTable(headers: ["CIDR", "ORIGIN"])
        for range in ranges { table.append([range.cidr, range.origin]) }
        Console.out(table.render())
    }
}
