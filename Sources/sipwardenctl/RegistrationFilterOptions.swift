import ArgumentParser
import ControlAPI

/// The filter and sort options `registrations list`, `export` and `watch` share; checked
/// here (with a message that says what to type) before the daemon is asked.
struct RegistrationFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The AOR's user part, exactly (1001) or by prefix (100*).", valueName: "number"))
    var number: String?

    @Option(help: ArgumentHelp("An address or CIDR range, matched against the source and the contact (192.0.2.7, 10.0.0.0/8).", valueName: "ip|cidr"))
    var ip: String?

    @Option(help: ArgumentHelp("The subscriber's account / customer tag.", valueName: "tag"))
    var account: String?

    @Option(help: ArgumentHelp("registered, unreachable, expired (lapsed recently), live (registered or unreachable) or all.", valueName: "status"))
    var status: String?

    @Option(help: ArgumentHelp("Part of the User-Agent, case-insensitive.", valueName: "text"))
    var ua: String?

    @Flag(help: "Only bindings behind NAT.")
    var nat = false

    // Unconditional: the value may start with "-" (descending), which would otherwise read as an option.
    @Option(parsing: .unconditional, help: ArgumentHelp("Sort by a column: number, aor, contact, source, transport, expires, nat, ua, registered_at, updated_at, call_id, cseq, q, status, account; -column sorts descending.", valueName: "column"))
    var sort: String?

    @Flag(help: "Reverse the order.")
    var reverse = false

    /// The query, or a usage error naming the bad value and what to type.
    func query(defaultStatus: RegistrationStatusFilter? = nil) throws -> RegistrationQuery {
        var parameters: [String: String] = [:]
        if let number { parameters["number"] = number }
        if let ip { parameters["ip"] = ip }
        if let account { parameters["account"] = account }
        if let status { parameters["status"] = status } else if let defaultStatus { parameters["status"] = defaultStatus.rawValue }
        if let ua { parameters["ua"] = ua }
        if nat { parameters["nat"] = "true" }
        if let sort { parameters["sort"] = sort }
        switch RegistrationQuery.parse(parameters) {
        case .failure(let problem): throw CLIFailure.usage("--" + problem.message)
        case .success(var query):
            if reverse { query.descending.toggle() }
            if reverse, query.sort == nil { query.sort = .aor }
            return query
        }
    }
}
