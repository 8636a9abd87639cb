import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl registrations show AOR [--json]`.
struct RegistrationsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every binding of one AOR in full, and its latest security events.",
        discussion: """
            AOR may be sip:1001@example.com, 1001@example.com, or just 1001 when one domain has it. \
            Per binding: contact, source and received address, transport, user agent, \
            Call-ID/CSeq, q, registered at, last refresh, expires in, NAT, status, keepalive \
            misses, and the Via path of the last REGISTER. Then the last events naming the AOR, \
            from the registration history (which survives restarts and log rotation; \
            'sipwardenctl history --aor AOR' shows more), or from the end of the security log \
            when history.enabled is false (the output says which). Exit status 1 when the AOR has no binding, or \
            when a bare user part such as 1001 is registered under several domains (the \
            message lists them; name one in full).

            --json keys: aor, account, bindings (each with every 'registrations list --json' key \
            plus via_path, contact_parameters, instance, reg_id, keepalive_misses, last_keepalive_answer_at, \
            unreachable_since), events (security event keys, docs/events.md) and events_source \
            (history or security_log).

            Examples:
              sipwardenctl registrations show sip:1001@example.com
              sipwardenctl registrations show 1001
              sipwardenctl registrations show 1001 --json | jq '.bindings[].via_path'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The address of record: sip:1001@example.com, 1001@example.com or 1001.", valueName: "aor"))
    var aor: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        if aor.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("give an AOR such as sip:1001@example.com or 1001") }
    }

    func run() async throws {
        let detail = try await global.client().registration(aor: aor)
        if json {
            try Console.json(detail)
            return
        }
        var text = "\(detail.aor)" + (detail.account.map { " (account \($0))" } ?? "") + "\n"
        text += "\(RegistrationTable.count(detail.bindings.count))\n"
        for binding in detail.bindings {
            let row = binding.registration
            let fields: [(String, String)] = [
                ("contact", row.contact + binding.contactParameters),
                ("instance", (binding.instance ?? "-") + (binding.regID.map { " (reg-id \($0))" } ?? "")),
                ("status", row.status.rawValue),
                ("source", row.source),
                ("received", row.received),
                ("transport", row.transport),
                ("user agent", row.userAgent ?? "-"),
                ("Call-ID", row.callID),
                ("CSeq", String(row.cseq)),
                ("q", row.q.map { String($0) } ?? "-"),
                ("registered at", RFC3339.format(row.registeredAt)),
                ("last refresh", RFC3339.format(row.updatedAt)),
                ("expires in", row.status == .expired ? "expired" : DurationText.format(seconds: row.expiresIn)),
                ("NAT", row.nat ? "yes" : "no"),
                ("keepalive", binding.unreachableSince.map { "unreachable since \(RFC3339.format($0)), \(binding.keepaliveMisses) missed" }
                    ?? binding.lastKeepaliveAnswerAt.map { "answered \(RFC3339.format($0))" }
                    ?? (binding.keepaliveMisses > 0 ? "\(binding.keepaliveMisses) missed" : "-")),
                ("Via path", binding.viaPath.isEmpty ? "-" : binding.viaPath),
            ]
            text += "\n"
            for (name, value) in fields {
                text += "  " + name.padding(toLength: 14, withPad: " ", startingAt: 0) + Self.sanitize(value) + "\n"
            }
        }
        text += "\n"
        if detail.events.isEmpty {
            text += detail.eventsSource == RegistrationDetail.eventsFromSecurityLog
                ? "No recent events in the security log (the history is disabled).\n" : "No recent events.\n"
        } else {
            var table = TextTable(headers: ["TIME", "KIND", "SOURCE", "TRANSPORT", "USER", "DETAIL"])
            for event in detail.events {
                let time = RFC3339.format(Date(timeIntervalSince1970: Double(event.timeMilliseconds) / 1000))
                let source = event.sourceIP.isEmpty ? "-" : RegistrationInfo.address(ip: event.sourceIP, port: event.sourcePort)
                table.append([time, event.kind, source, event.transport.isEmpty ? "-" : event.transport,
                              event.username ?? "-", event.detail ?? "-"])
            }
            text += (detail.eventsSource == RegistrationDetail.eventsFromSecurityLog
                ? "Recent events (from the end of the security log: the history is disabled):\n"
                : "Recent events (from the history):\n") + table.render()
        }
        Console.out(text)
    }

    /// Control characters (a hostile User-Agent's escape sequences) shown as "?".
    private static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0 }))
    }
}
