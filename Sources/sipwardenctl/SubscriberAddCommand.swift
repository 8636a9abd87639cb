import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl subscriber add USER [--password PW | --password-stdin] [--domain D] [--display-name N]
/// [--account A] [--auth-mode M] [--replace]`.
struct SubscriberAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add one subscriber.",
        discussion: """
            The password is stored only as HA1 digests (MD5 and SHA-256). Give --password-stdin \
            (or '--password -') to read it from standard input instead of the command line \
            (which other users can see in the process list); without either, it is asked for on \
            the terminal. An ip or ip+port phone needs no password (see 'subscriber set' for the \
            auth modes, 'allow add' for its ranges).

            A subscriber that exists (same username and domain) is refused (exit status 1) \
            unless --replace is given: it then gets the new password and keeps its auth mode, \
            account, display name and allowed ranges unless this command gives them. To change \
            only the password, use 'subscriber passwd'.

            Examples:
              sipwardenctl subscriber add 1001 --password s3cret
              sipwardenctl subscriber add 1001 --password s3cret --domain example.com --display-name "Reception" --account acme
              printf '%s\\n' "$PW" | sipwardenctl subscriber add 1002 --password-stdin
              sipwardenctl subscriber add 2001 --auth-mode ip --account acme && sipwardenctl allow add 2001 192.0.2.0/24
              sipwardenctl subscriber add 1001 --password n3w --replace
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The username: the user part of the AOR and the digest username, e.g. 1001.", valueName: "user"))
    var user: String

    @Option(help: ArgumentHelp("The SIP password, or '-' to read it from standard input.", valueName: "password"))
    var password: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
    var passwordStdin = false

    @Option(name: .customLong("auth-mode"), help: ArgumentHelp("password (default), ip, ip+port or password+ip.", valueName: "mode"))
    var authMode: String?

    @Option(help: ArgumentHelp("The domain the account belongs to, e.g. example.com (default: any domain).", valueName: "domain"))
    var domain: String?

    @Option(name: .customLong("display-name"), help: ArgumentHelp("A human-readable name, e.g. \"Reception desk\".", valueName: "name"))
    var displayName: String?

    @Option(help: ArgumentHelp("The account or customer tag to group phones by.", valueName: "account"))
    var account: String?

    @Flag(help: "Replace the subscriber if it exists (new password; auth mode, account, display name and ranges kept unless given).")
    var replace = false

    private var passwordless: Bool { authMode == "ip" || authMode == "ip+port" }

    func validate() throws {
        if passwordStdin, password != nil { throw ValidationError("give --password or --password-stdin, not both") }
        let placeholder = password.map { $0 == "-" ? "x" : $0 } ?? (passwordless ? nil : "x")
        if let problem = request(password: placeholder).validationProblem() {
            throw ValidationError(problem)
        }
    }

    func run() async throws {
        var secret = password
        if secret == "-" || passwordStdin {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIFailure.usage("\(passwordStdin ? "--password-stdin" : "--password -"): no password on standard input")
            }
            secret = line
        } else if secret == nil, !passwordless {
            secret = try PasswordInput.prompt(for: domain.map { "\(user)@\($0)" } ?? user)
        }
        let request = request(password: secret)
        if let problem = request.validationProblem() { throw CLIFailure.usage(problem) }
        let replaced = try await global.client().addSubscriber(request)
        let name = domain.map { "\(user)@\($0)" } ?? user
        Console.line(replaced ? "Replaced subscriber \(name) (auth mode, account and ranges kept unless given)." : "Added subscriber \(name).")
    }

    private func request(password: String?) -> SubscriberAddRequest {
        SubscriberAddRequest(
            username: user, password: password, domain: domain, displayName: displayName, account: account, authMode: authMode,
            replace: replace)
    }
}
