import ArgumentParser
import ControlAPI

/// `sipwardenctl registrations unregister AOR [--contact CONTACT] | --ip CIDR [--dry-run] [--json]`.
struct RegistrationsUnregisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unregister",
        abstract: "Force-unregister bindings: one AOR's (or one contact of it), or every binding from an address range.",
        discussion: """
            The bindings are removed at once and the removal is persisted before the command \
            returns (a restart does not bring them back); the phone learns at its next refresh. \
            Each removal is recorded as a register.forced_out event naming who did it (the \
            caller's uid). --dry-run lists what would go and changes nothing. \
            Exit status 1 when the AOR has no live binding.

            Examples:
              sipwardenctl registrations unregister sip:1001@example.com
              sipwardenctl registrations unregister 1001 --contact 'sip:1001@192.0.2.10:5062'
              sipwardenctl registrations unregister 1001 --contact 'sip:1001@192.0.2.10:5062;transport=udp;+sip.instance="<urn:uuid:...>"'
              sipwardenctl registrations unregister --ip 203.0.113.0/24 --dry-run
              sipwardenctl registrations unregister --ip 198.51.100.7 --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The address of record: sip:1001@example.com, 1001@example.com or 1001.", valueName: "aor"))
    var aor: String?

    @Option(help: ArgumentHelp("Only the binding with this contact: the URI, or the contact exactly as 'registrations show' prints it (parameters included).", valueName: "contact"))
    var contact: String?

    @Option(help: ArgumentHelp("Every binding whose source or contact is in this address or CIDR range (instead of an AOR).", valueName: "ip|cidr"))
    var ip: String?

    @Flag(help: "Show what would be removed; remove nothing.")
    var dryRun = false

    @Flag(help: "Print the answer as JSON ({\"dry_run\", \"removed\": [...]}).")
    var json = false

    func validate() throws {
        let request = UnregisterRequest(aor: aor, contact: contact, ip: ip, dryRun: dryRun)
        if let problem = request.validationProblem() { throw ValidationError(problem) }
    }

    func run() async throws {
        let request = UnregisterRequest(aor: aor, contact: contact, ip: ip, dryRun: dryRun)
        let response = try await global.client().unregister(request)
        if json {
            try Console.json(response)
            return
        }
        guard !response.removed.isEmpty else {
            Console.line(dryRun ? "Nothing would be removed." : "Nothing to remove.")
            return
        }
        Console.out(RegistrationTable.render(response.removed))
        let count = RegistrationTable.count(response.removed.count).dropLast()
        Console.line(dryRun ? "\(count) would be removed (dry run; nothing changed)." : "\(count) removed.")
    }
}
