import ArgumentParser
import ControlAPI

/// `sipwardenctl registrations list [--json]`.
struct RegistrationsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every live binding: AOR, contact, source, transport, expiry, NAT, user agent.",
        discussion: """
            --json prints an array, one object per binding, with the keys aor, contact,
            expires_in, source, transport, user_agent, registered_at, nat, call_id, cseq, q,
            received and updated_at (stable; see docs/cli.md).

            Examples:
              sipwardenctl registrations list
              sipwardenctl registrations list --json
              sipwardenctl registrations list --json | jq -r '.[] | select(.nat) | .aor'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() async throws {
        let registrations = try await global.client().registrations()
        if json {
            try Console.json(registrations)
            return
        }
        guard !registrations.isEmpty else {
            Console.line("No registrations.")
            return
        }
        var table = TextTable(headers: ["AOR", "CONTACT", "SOURCE", "TRANSPORT", "EXPIRES", "NAT", "USER-AGENT"])
        let sorted = registrations.sorted { ($0.aor, $0.contact) < ($1.aor, $1.contact) }
        for binding in sorted {
            table.append([
                binding.aor, binding.contact, binding.source, binding.transport,
                DurationText.format(seconds: binding.expiresIn), binding.nat ? "yes" : "no",
                binding.userAgent ?? "-",
            ])
        }
        Console.out(table.render())
        Console.line("\(registrations.count) binding\(registrations.count == 1 ? "" : "s").")
    }
}
