import Foundation

/// `registrations list --csv`, `export --format csv` and the web console's export: RFC 4180 (CRLF line ends, fields
/// with a comma, quote or line break quoted, quotes doubled), a header row of the JSON keys,
/// then one row per binding. Absent values (null in JSON) are empty fields; dates are RFC 3339.
public enum RegistrationCSV {
    /// The columns, in order: the JSON keys of `registrations list --json`.
    public static let columns = [
        "aor", "contact", "expires_in", "source", "transport", "user_agent", "registered_at", "nat", "call_id", "cseq",
        "q", "received", "updated_at", "status", "account",
    ]

    /// The CSV text of `rows`.
    public static func render(_ rows: [RegistrationInfo]) -> String {
        var text = columns.joined(separator: ",") + "\r\n"
        for row in rows {
            let fields: [String] = [
                row.aor, row.contact, String(row.expiresIn), row.source, row.transport, row.userAgent ?? "",
                RFC3339.format(row.registeredAt), row.nat ? "true" : "false", row.callID, String(row.cseq),
                row.q.map { String($0) } ?? "", row.received, RFC3339.format(row.updatedAt), row.status.rawValue, row.account ?? "",
            ]
            text += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return text
    }

    private static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field.hasPrefix(" ") || field.hasSuffix(" ") else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
