import ArgumentParser
import ControlAPI

/// `sipwardenctl registrations list [filters] [--sort COLUMN] [--json | --csv]`.
struct RegistrationsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List bindings: AOR, contact, source, transport, expiry, NAT, status, account, user agent.",
        discussion: """
            Without filters: every live binding (registered or unreachable), by AOR. Filters \
            combine (all must hold) and are applied by the daemon.

            --json prints an array, one object per binding, with the keys aor, contact, \
            expires_in, source, transport, user_agent, registered_at, nat, call_id, cseq, q, \
            received, updated_at, status and account (stable; see docs/cli.md). --csv prints the \
            same keys as CSV columns.

            Examples:
              sipwardenctl registrations list
              sipwardenctl registrations list --number '100*' --nat
              sipwardenctl registrations list --ip 192.0.2.0/24 --sort -expires
              sipwardenctl registrations list --account acme --ua yealink --csv
              sipwardenctl registrations list --status expired
              sipwardenctl registrations list --status unreachable --json | jq -r '.[].aor'
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: RegistrationFilterOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @Flag(help: "Print CSV (a header row of the JSON keys) instead of a table.")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
    }

    func run() async throws {
        let query = try filters.query()
        let registrations = try await global.client().registrations(matching: query)
        if json {
            try Console.json(registrations)
            return
        }
        if csv {
            Console.out(RegistrationCSV.render(registrations))
            return
        }
        guard !registrations.isEmpty else {
            Console.line(query == RegistrationQuery() ? "No registrations." : "No registrations match.")
            return
        }
        Console.out(RegistrationTable.render(registrations))
        Console.line(RegistrationTable.count(registrations.count))
    }
}
