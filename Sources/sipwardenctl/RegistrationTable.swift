import ControlAPI

/// The aligned table `registrations list` and `watch` print.
enum RegistrationTable {
    /// The table of `rows`, in the order given.
    static func render(_ rows: [RegistrationInfo]) -> String {
        var table = TextTable(headers: ["AOR", "CONTACT", "SOURCE", "TRANSPORT", "EXPIRES", "NAT", "STATUS", "ACCOUNT", "USER-AGENT"])
        for row in rows {
            table.append([
                row.aor, row.contact, row.source, row.transport,
                row.status == .expired ? "-" : DurationText.format(seconds: row.expiresIn), row.nat ? "yes" : "no",
                row.status.rawValue, row.account ?? "-", row.userAgent ?? "-",
            ])
        }
        return table.render()
    }

    /// "2 bindings." / "1 binding."
    static func count(_ count: Int) -> String { "\(count) binding\(count == 1 ? "" : "s")." }
}
