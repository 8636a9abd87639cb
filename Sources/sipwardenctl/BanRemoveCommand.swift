import ArgumentParser
import ControlAPI

/// `sipwardenctl ban remove ADDR|CIDR`.
struct BanRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Lift a ban before it expires.",
        discussion: """
            Give the address or range exactly as 'ban list' shows it: a ban of a range is lifted \
            by the range, not by one address inside it. Exit status 1 when there is no such ban.

            Examples:
              sipwardenctl ban remove 203.0.113.7
              sipwardenctl ban remove 198.51.100.0/24
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The banned address or CIDR range.", valueName: "address"))
    var target: String

    func validate() throws {
        if let problem = BanTarget.problem(target) { throw ValidationError(problem) }
    }

    func run() async throws {
        try await global.client().removeBan(target: target)
        Console.line("Lifted the ban on \(BanTarget.canonical(target) ?? target).")
    }
}
