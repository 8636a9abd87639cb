import ArgumentParser
import ControlAPI

/// `sipwardenctl allow add USER CIDR [--port P] [--domain D]`.
struct AllowAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Allow a phone to register from an address or range.",
        discussion: """
            USER must exist (see 'sipwardenctl subscriber list'). CIDR is an address or range \
            (192.0.2.7, 192.0.2.0/24, 2001:db8::/48); host bits are cleared.

            Examples:
              sipwardenctl allow add 1001 192.0.2.0/24
              sipwardenctl allow add 1001 192.0.2.7 --domain example.com
              sipwardenctl allow add 2001 198.51.100.7 --port 5060
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The subscriber's username.", valueName: "user"))
    var user: String

    @Argument(help: ArgumentHelp("An address or CIDR range, e.g. 192.0.2.0/24.", valueName: "cidr"))
    var cidr: String

    @Option(help: ArgumentHelp("The only source port allowed from the range (1-65535).", valueName: "port"))
    var port: Int?

    @Option(help: ArgumentHelp("The subscriber's domain, when it was added with one.", valueName: "domain"))
    var domain: String?

    func validate() throws {
        if let problem = rule.validationProblem() { throw ValidationError(problem) }
    }

    private var rule: AllowedRangeRule { AllowedRangeRule(username: user, domain: domain, cidr: cidr, port: port) }

    func run() async throws {
        let added = try await global.client().addAllowedRange(rule)
        Console.line("\(SubscriberShowCommand.name(added.username, added.domain)) may register from \(AllowListCommand.describe(added)).")
    }
}
