import ArgumentParser
import ControlAPI

/// `sipwardenctl subscriber show USER [--domain D] [--json]`.
struct SubscriberShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one subscriber: details, auth mode, allowed ranges, live bindings.",
        discussion: """
            --json prints an object with the keys subscriber (as in 'subscriber list --json'), \
            allowed (as in 'allow list --json') and bindings (a number); see docs/cli.md.

            Examples:
              sipwardenctl subscriber show 1001
              sipwardenctl subscriber show 1001 --domain example.com --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The subscriber's username.", valueName: "user"))
    var user: String

    @Option(help: ArgumentHelp("The subscriber's domain, when it was added with one.", valueName: "domain"))
    var domain: String?

    @Flag(help: "Print a JSON object instead of text.")
    var json = false

    func validate() throws {
        if let problem = SubscriberValidation.problem(username: user) { throw ValidationError(problem) }
        if let domain, let problem = SubscriberValidation.problem(domain: domain) { throw ValidationError(problem) }
    }

    func run() async throws {
        let detail = try await global.client().subscriber(username: user, domain: domain)
        if json {
            try Console.json(detail)
            return
        }
        let s = detail.subscriber
        var text = ""
        text += "Subscriber:    \(Self.name(s.username, s.domain))\n"
        text += "Display name:  \(s.displayName ?? "-")\n"
        text += "Account:       \(s.account ?? "-")\n"
        text += "Auth mode:     \(s.authMode)\n"
        text += "Realm:         \(s.realm)\n"
        text += "Bindings:      \(detail.bindings)\n"
        let noRules = s.authMode == "password" ? "anywhere (no rules)" : "nowhere: the \(s.authMode) mode needs a rule ('sipwardenctl allow add')"
        text += "Allowed from:  \(detail.allowed.isEmpty ? noRules : detail.allowed.map(AllowListCommand.describe).joined(separator: ", "))\n"
        Console.out(text)
    }

    /// "user@domain", or just "user".
    static func name(_ user: String, _ domain: String?) -> String { domain.map { "\(user)@\($0)" } ?? user }
}
