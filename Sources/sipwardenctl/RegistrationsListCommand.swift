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
              sipwardenctl registrations list --sort aor --offset 100 --limit 100

            With --offset or --limit, the daemon cuts one page of the table (the web \
            console's paging): the table is followed by the rows shown and the total, and \
            --json prints an object with the keys total, offset, limit and registrations.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: RegistrationFilterOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @Flag(help: "Print CSV (a header row of the JSON keys) instead of a table.")
    var csv = false

    @Option(help: ArgumentHelp("Start the page at this row (0 is the first).", valueName: "row"))
    var offset: Int?

    @Option(help: ArgumentHelp("Show at most this many rows (1 to 1000), cut by the daemon.", valueName: "rows"))
    var limit: Int?

    func validate() throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
        if let offset, offset < 0 { throw ValidationError("--offset \(offset): give 0 or more") }
        if let limit, !(1...RegistrationPage.maximumLimit).contains(limit) {
            throw ValidationError("--limit \(limit): give 1 to \(RegistrationPage.maximumLimit)")
        }
    }

    func run() async throws {
        let query = try filters.query()
        if offset != nil || limit != nil {
            try await page(query)
            return
        }
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

    /// One page, cut by the daemon (`GET /v1/registrations/page`).
    private func page(_ query: RegistrationQuery) async throws {
        let page = try await global.client().registrationPage(query, offset: offset ?? 0, limit: limit ?? ControlRoute.defaultPageLimit)
        if json {
            try Console.json(page)
            return
        }
        if csv {
            Console.out(RegistrationCSV.render(page.registrations))
            return
        }
        if !page.registrations.isEmpty { Console.out(RegistrationTable.render(page.registrations)) }
        let first = page.registrations.isEmpty ? page.offset : page.offset + 1
        Console.line("Rows \(first)-\(page.offset + page.registrations.count) of \(page.total).")
    }
}
