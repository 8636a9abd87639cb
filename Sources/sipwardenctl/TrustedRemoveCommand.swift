import ArgumentParser
import ControlAPI

/// `sipwardenctl trusted remove CIDR`.
struct TrustedRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Stop trusting a range added with 'trusted add'.",
        discussion: """
            Ranges from the configuration file are refused here (exit status 1): remove them \
            there. Exit status 1 as well when the range is not trusted.

            Examples:
              sipwardenctl trusted remove 192.0.2.10
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The address or CIDR range, as listed.", valueName: "cidr"))
    var cidr: String

    func validate() throws {
        if let problem = AccessRange.problem(cidr, for: .trusted) { throw ValidationError(problem) }
    }

    func run() async throws {
        try await global.client().removeTrusted(cidr: cidr)
        Console.line("\(AccessRange.canonical(cidr, for: .trusted) ?? cidr) is no longer trusted.")
    }
}
