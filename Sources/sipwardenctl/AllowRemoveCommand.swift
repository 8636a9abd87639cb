import ArgumentParser
import ControlAPI

/// `sipwardenctl allow remove USER CIDR [--domain D]`.
struct AllowRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a phone's rules for an address or range (every port).",
        discussion: """
            Exit status 1 when the phone has no such range. When a phone's last range goes, an \
            ip, ip+port or password+ip phone can no longer register until it gets a new one.

            Examples:
              sipwardenctl allow remove 1001 192.0.2.0/24
              sipwardenctl allow remove 1001 192.0.2.7 --domain example.com
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The subscriber's username.", valueName: "user"))
    var user: String

    @Argument(help: ArgumentHelp("The address or CIDR range to remove.", valueName: "cidr"))
    var cidr: String

    @Option(help: ArgumentHelp("The subscriber's domain, when it was added with one.", valueName: "domain"))
    var domain: String?

    func validate() throws {
        if let problem = AllowedRangeRule(username: user, domain: domain, cidr: cidr).validationProblem() { throw ValidationError(problem) }
    }

    func run() async throws {
        try await global.client().removeAllowedRange(username: user, domain: domain, cidr: cidr)
        Console.line("\(SubscriberShowCommand.name(user, domain)) may no longer register from \(AccessRange.canonical(cidr) ?? cidr).")
    }
}
