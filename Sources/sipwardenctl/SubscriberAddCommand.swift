import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl subscriber add USER --password PW [--domain D] [--display-name N] [--account A]`.
struct SubscriberAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add one subscriber.",
        discussion: """
            The password is stored only as HA1 digests (MD5 and SHA-256). Give '--password -' to
            read it from standard input instead of the command line (which other users can see
            in the process list).

            Examples:
              sipwardenctl subscriber add 1001 --password s3cret
              sipwardenctl subscriber add 1001 --password s3cret --domain example.com --display-name "Reception" --account acme
              printf '%s\\n' "$PW" | sipwardenctl subscriber add 1002 --password -
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The username: the user part of the AOR and the digest username, e.g. 1001.", valueName: "user"))
    var user: String

    @Option(help: ArgumentHelp("The SIP password, or '-' to read it from standard input.", valueName: "password"))
    var password: String

    @Option(help: ArgumentHelp("The domain the account belongs to, e.g. example.com (default: any domain).", valueName: "domain"))
    var domain: String?

    @Option(name: .customLong("display-name"), help: ArgumentHelp("A human-readable name, e.g. \"Reception desk\".", valueName: "name"))
    var displayName: String?

    @Option(help: ArgumentHelp("The account or customer tag to group phones by.", valueName: "account"))
    var account: String?

    func validate() throws {
        let placeholder = password == "-" ? "x" : password
        if let problem = request(password: placeholder).validationProblem() {
            throw ValidationError(problem)
        }
    }

    func run() async throws {
        var secret = password
        if secret == "-" {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIFailure.usage("--password -: no password on standard input")
            }
            secret = line
        }
        let request = request(password: secret)
        if let problem = request.validationProblem() { throw CLIFailure.usage(problem) }
        try await ControlClient(socketPath: global.socketPath()).addSubscriber(request)
        let name = domain.map { "\(user)@\($0)" } ?? user
        Console.line("Added subscriber \(name).")
    }

    private func request(password: String) -> SubscriberAddRequest {
        SubscriberAddRequest(
            username: user, password: password, domain: domain, displayName: displayName, account: account)
    }
}
