import ArgumentParser
import ControlAPI

/// `sipwardenctl subscriber passwd USER [--domain D] [--password-stdin]`.
struct SubscriberPasswdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set a subscriber's password.",
        discussion: """
            Asks for the new password twice on the terminal, without echo; --password-stdin \
            reads one line from standard input instead (for scripts). The password never \
            appears on the command line. Takes effect at once: the phone's next REGISTER must \
            use it.

            Examples:
              sipwardenctl subscriber passwd 1001
              printf '%s\\n' "$NEWPW" | sipwardenctl subscriber passwd 1001 --domain example.com --password-stdin
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The subscriber's username.", valueName: "user"))
    var user: String

    @Option(help: ArgumentHelp("The subscriber's domain, when it was added with one.", valueName: "domain"))
    var domain: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input instead of asking.")
    var passwordStdin = false

    func validate() throws {
        if let problem = SubscriberValidation.problem(username: user) { throw ValidationError(problem) }
        if let domain, let problem = SubscriberValidation.problem(domain: domain) { throw ValidationError(problem) }
    }

    func run() async throws {
        let name = SubscriberShowCommand.name(user, domain)
        let password = passwordStdin ? try PasswordInput.fromStandardInput() : try PasswordInput.prompt(for: name)
        let request = SubscriberPasswordRequest(password: password)
        if let problem = request.validationProblem() { throw CLIFailure.usage(problem) }
        try await global.client().setPassword(username: user, domain: domain, request)
        Console.line("Password of \(name) changed.")
    }
}
