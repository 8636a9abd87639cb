import ArgumentParser
import ControlAPI

/// `sipwardenctl console user add NAME --role admin|viewer [--password-stdin] [--replace]`.
struct ConsoleUserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Create a web console account.",
        discussion: """
            The password is asked twice on the terminal, or read from standard input with \
            --password-stdin; it needs at least 8 characters. An existing account is refused \
            (exit status 1) unless --replace is given.

            Examples:
              sipwardenctl console user add alice --role admin
              printf '%s\\n' "$PW" | sipwardenctl console user add bob --role viewer --password-stdin
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The login name (letters, digits, '.', '_', '-').", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("admin (every action) or viewer (read-only).", valueName: "role"))
    var role: String

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
    var passwordStdin = false

    @Flag(help: "Replace the account if it exists (new role and password).")
    var replace = false

    @Flag(help: "Print the account as JSON.")
    var json = false

    func validate() throws {
        if let problem = ConsoleUserAddRequest.nameProblem(name) { throw ValidationError(problem) }
        guard ConsoleRole(rawValue: role) != nil else { throw ValidationError("--role '\(role)': give admin or viewer") }
    }

    func run() async throws {
        let password = passwordStdin ? try PasswordInput.fromStandardInput() : try PasswordInput.prompt(for: name)
        let request = ConsoleUserAddRequest(name: name, role: ConsoleRole(rawValue: role) ?? .viewer, password: password, replace: replace)
        if let problem = request.validationProblem() { throw CLIFailure.usage(problem) }
        let user = try await global.client().addConsoleUser(request)
        if json {
            try Console.json(user)
        } else {
            Console.line("Console user \(user.name) (\(user.role.rawValue)) saved.")
        }
    }
}
