import ArgumentParser
import ControlAPI

/// `sipwardenctl subscriber set USER [--domain D] [--display-name N] [--account A] [--auth-mode M]`.
struct SubscriberSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a subscriber's display name, account tag or auth mode.",
        discussion: """
            Only the options given change; an empty value ("") clears a display name or an \
            account tag. Auth modes: password (digest, as always), ip (a REGISTER from one of \
            the phone's allowed ranges is accepted without a challenge), ip+port (source address \
            and port must match a rule with that port), password+ip (both). ip, ip+port and \
            password+ip need allowed ranges: see 'sipwardenctl allow add'. Takes effect at once.

            Examples:
              sipwardenctl subscriber set 1001 --auth-mode ip
              sipwardenctl subscriber set 1001 --domain example.com --account acme --display-name "Front desk"
              sipwardenctl subscriber set 1001 --account ""
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The subscriber's username.", valueName: "user"))
    var user: String

    @Option(help: ArgumentHelp("The subscriber's domain, when it was added with one.", valueName: "domain"))
    var domain: String?

    @Option(name: .customLong("display-name"), help: ArgumentHelp("A new display name (\"\" clears it).", valueName: "name"))
    var displayName: String?

    @Option(help: ArgumentHelp("A new account tag (\"\" clears it).", valueName: "account"))
    var account: String?

    @Option(name: .customLong("auth-mode"), help: ArgumentHelp("password, ip, ip+port or password+ip.", valueName: "mode"))
    var authMode: String?

    func validate() throws {
        if let problem = SubscriberValidation.problem(username: user) { throw ValidationError(problem) }
        if let domain, let problem = SubscriberValidation.problem(domain: domain) { throw ValidationError(problem) }
        if let problem = request.validationProblem() { throw ValidationError(problem) }
    }

    private var request: SubscriberUpdateRequest {
        SubscriberUpdateRequest(displayName: displayName, account: account, authMode: authMode)
    }

    func run() async throws {
        let info = try await global.client().updateSubscriber(username: user, domain: domain, request)
        Console.line("Updated subscriber \(SubscriberShowCommand.name(info.username, info.domain)): auth mode \(info.authMode), "
            + "account \(info.account ?? "-"), display name \(info.displayName ?? "-").")
    }
}
