import ArgumentParser
import ControlAPI

/// `sipwardenctl allow list [USER] [--domain D] [--json]`.
struct AllowListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List allowed ranges, of every phone or of one.",
        discussion: """
            --json prints an array of objects with the keys username, domain, cidr and port \
            (null when absent); see docs/cli.md.

            Examples:
              sipwardenctl allow list
              sipwardenctl allow list 1001
              sipwardenctl allow list --json | jq -r '.[] | "\\(.username) \\(.cidr)"'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Only this subscriber's ranges.", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("The subscriber's domain, when it was added with one.", valueName: "domain"))
    var domain: String?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func validate() throws {
        if let user, let problem = SubscriberValidation.problem(username: user) { throw ValidationError(problem) }
        if let domain, let problem = SubscriberValidation.problem(domain: domain) { throw ValidationError(problem) }
        if domain != nil, user == nil { throw ValidationError("--domain needs a USER; e.g. sipwardenctl allow list 1001 --domain example.com") }
    }

    func run() async throws {
        let rules = try await global.client().allowedRanges(username: user, domain: domain)
        if json {
            try Console.json(rules)
            return
        }
        guard !rules.isEmpty else {
            Console.line(user.map { "\(SubscriberShowCommand.name($0, domain)) has no allowed ranges (it may register from anywhere unless its auth mode needs ranges)." }
                ?? "No allowed ranges.")
            return
        }
        var table = TextTable(headers: ["USERNAME", "DOMAIN", "CIDR", "PORT"])
        for rule in rules {
            table.append([rule.username, rule.domain ?? "-", rule.cidr, rule.port.map(String.init) ?? "any"])
        }
        Console.out(table.render())
    }

    /// "192.0.2.0/24" or "192.0.2.7 port 5060".
    static func describe(_ rule: AllowedRangeRule) -> String {
        rule.port.map { "\(rule.cidr) port \($0)" } ?? rule.cidr
    }
}
