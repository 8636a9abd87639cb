import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl trunk add NAME --registrar sip:HOST[:PORT] --user U --password-stdin [...]`.
struct TrunkAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a trunk and register it at once.",
        discussion: """
            The password is read from standard input (--password-stdin), never from the command \
            line; without it, it is asked for on the terminal. It is kept in the database (mode \
            0600) because digest needs it, and never printed. A registrar without a port that is \
            a domain name is looked up with DNS SRV (_sip._udp or _sip._tcp), falling over to \
            the next target on a timeout or a 503.

            Examples:
              printf '%s\\n' "$PW" | sipwardenctl trunk add carrier1 --registrar sip:sip.carrier.example --user 4420 --password-stdin
              sipwardenctl trunk add carrier2 --registrar sip:192.0.2.10:5060 --user 4421 --auth-user acct-4421 --expires 600
              sipwardenctl trunk add carrier3 --registrar sip:carrier.example --user 77 --outbound-proxy sip:192.0.2.20 --password-stdin --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The trunk's name: letters, digits, '-', '_' or '.'.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("The carrier's registrar, sip:HOST[:PORT].", valueName: "uri"))
    var registrar: String

    @Option(help: ArgumentHelp("The user part of the address of record.", valueName: "user"))
    var user: String

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
    var passwordStdin = false

    @Option(name: .customLong("auth-user"), help: ArgumentHelp("The digest username when it differs from --user.", valueName: "user"))
    var authUser: String?

    @Option(help: ArgumentHelp("Answer only challenges of this realm.", valueName: "realm"))
    var realm: String?

    @Option(help: ArgumentHelp("udp (default) or tcp.", valueName: "transport"))
    var transport: String?

    @Option(help: ArgumentHelp("The expiry to ask for, in seconds (default 3600).", valueName: "seconds"))
    var expires: Int?

    @Option(name: .customLong("contact-user"), help: ArgumentHelp("The user part of the Contact (default: --user).", valueName: "user"))
    var contactUser: String?

    @Option(name: .customLong("outbound-proxy"), help: ArgumentHelp("Send the REGISTERs through this proxy, sip:HOST[:PORT].", valueName: "uri"))
    var outboundProxy: String?

    @Flag(help: "Add it disabled (it does not register until 'trunk enable').")
    var disabled = false

    @Flag(help: "Print the trunk as JSON.")
    var json = false

    func validate() throws {
        if let problem = request(password: "x").validationProblem() { throw ValidationError(problem) }
    }

    func run() async throws {
        let password: String
        if passwordStdin {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIFailure.usage("--password-stdin: no password on standard input")
            }
            password = line
        } else {
            password = try PasswordInput.prompt(for: "trunk \(name)")
        }
        let info = try await global.client().addTrunk(request(password: password))
        if json {
            try Console.json(info)
            return
        }
        Console.line("Added trunk \(info.name): \(info.state).")
    }

    private func request(password: String) -> TrunkAddRequest {
        TrunkAddRequest(
            name: name, registrar: registrar, username: user, password: password, authUsername: authUser, realm: realm,
            transport: transport?.lowercased(), expires: expires, contactUser: contactUser, outboundProxy: outboundProxy,
            enabled: disabled ? false : nil)
    }
}
