import ArgumentParser
import ControlAPI

/// `sipwardenctl subscriber remove USER [--domain D]`.
struct SubscriberRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove one subscriber.",
        discussion: """
            The subscriber can no longer authenticate; exit status 1 when there is no such \
            subscriber.

            Examples:
              sipwardenctl subscriber remove 1001
              sipwardenctl subscriber remove 1001 --domain example.com
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The username to remove.", valueName: "user"))
    var user: String

    @Option(help: ArgumentHelp("The subscriber's domain, when it was added with one.", valueName: "domain"))
    var domain: String?

    func validate() throws {
        if let problem = SubscriberValidation.problem(username: user) { throw ValidationError(problem) }
        if let domain, let problem = SubscriberValidation.problem(domain: domain) { throw ValidationError(problem) }
    }

    func run() async throws {
        try await global.client().removeSubscriber(username: user, domain: domain)
        let name = domain.map { "\(user)@\($0)" } ?? user
        Console.line("Removed subscriber \(name).")
    }
}
