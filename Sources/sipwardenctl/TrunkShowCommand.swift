import ArgumentParser
import ControlAPI

/// `sipwardenctl trunk show NAME [--json]`.
struct TrunkShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one trunk in full (never its password).",
        discussion: """
            Shows the settings, the state, the expiry the registrar granted, the next REGISTER, \
            the last success and failure, the Contact registered, the public address the \
            registrar saw, and the addresses trusted for it.

            Examples:
              sipwardenctl trunk show carrier1
              sipwardenctl trunk show carrier1 --json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The trunk's name.", valueName: "name"))
    var name: String

    @Flag(help: "Print a JSON object instead of text.")
    var json = false

    func run() async throws {
        let trunk = try await global.client().trunk(named: name)
        if json {
            try Console.json(trunk)
            return
        }
        Console.out(TrunkShowCommand.text(trunk))
    }

    /// The `key: value` lines of one trunk.
    static func text(_ trunk: TrunkInfo) -> String {
        let rows: [(String, String?)] = [
            ("name", trunk.name), ("origin", trunk.origin), ("state", trunk.state), ("enabled", String(trunk.enabled)),
            ("registrar", trunk.registrar), ("outbound proxy", trunk.outboundProxy), ("user", trunk.username),
            ("auth user", trunk.authUsername), ("realm", trunk.realm), ("transport", trunk.transport),
            ("expires asked", "\(trunk.expires)s"), ("expires granted", trunk.grantedExpires.map { "\($0)s" }),
            ("binding expires at", trunk.expiresAt), ("next attempt", trunk.nextAttempt), ("last success", trunk.lastSuccess),
            ("last failure", trunk.lastFailure), ("last failure code", trunk.lastFailureCode.map(String.init)),
            ("last failure reason", trunk.lastFailureReason), ("consecutive failures", String(trunk.consecutiveFailures)),
            ("contact", trunk.contact), ("public address", trunk.publicAddress),
            ("trusted addresses", trunk.addresses.isEmpty ? nil : trunk.addresses.joined(separator: ", ")),
        ]
        return rows.map { "\($0.0): \($0.1 ?? "-")" }.joined(separator: "\n") + "\n"
    }
}
