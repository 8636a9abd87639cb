import ArgumentParser
import ControlAPI

/// `sipwardenctl ban add ADDR|CIDR --for DURATION --reason TEXT [--source S]`.
struct BanAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Ban an address or CIDR range for a while.",
        discussion: """
            Its packets are dropped from now on, and the ban is kept across restarts until it \
            expires. Banning an address that is already banned keeps the longer expiry. \
            Durations: \(BanDuration.examples) (plain numbers are seconds). A trusted address \
            is refused.

            Examples:
              sipwardenctl ban add 203.0.113.7 --for 2h --reason "SIP scanner"
              sipwardenctl ban add 198.51.100.0/24 --for 7d --reason "abuse from this network"
              sipwardenctl ban add 2001:db8:bad::/48 --for 15m --reason "flood"
              sipwardenctl ban add 192.0.2.9 --for 10m --reason "5 failures" --source "fail2ban sip"
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The IPv4/IPv6 address or CIDR range to ban, e.g. 203.0.113.7 or 198.51.100.0/24.", valueName: "address"))
    var target: String

    @Option(name: .customLong("for"), help: ArgumentHelp("How long: 90s, 15m, 2h, 7d.", valueName: "duration"))
    var duration: String

    @Option(help: ArgumentHelp("Why; shown by 'ban list' and written to the security log.", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("Who asks, recorded with the ban (default: operator).", valueName: "name"))
    var source: String?

    func validate() throws {
        _ = try request()
    }

    func run() async throws {
        let ban = try await global.client().addBan(try request())
        Console.line(
            "Banned \(ban.address) for \(DurationText.format(seconds: ban.expiresIn)) (until \(RFC3339.format(ban.expiresAt))).")
    }

    /// The request to send, or a `ValidationError` (exit status 2) saying what to type.
    private func request() throws -> BanAddRequest {
        let seconds: Int
        switch BanDuration.seconds(duration) {
        case .success(let value): seconds = value
        case .failure(let problem): throw ValidationError("--for: \(problem)")
        }
        let request = BanAddRequest(target: target, seconds: seconds, reason: reason, source: source)
        if let problem = request.validationProblem() { throw ValidationError(problem) }
        return request
    }
}
