import ArgumentParser
import ControlAPI

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
        if let problem = AccessRange.problem(cidr, for: .trusted) { throw ValidationError(problem) }
    }

    func run() async throws {
        let added = try await global.client().addTrusted(TrustedRangeRequest(cidr: cidr))
        Console.line("Trusted \(added.cidr): never banned.")
    }
}
