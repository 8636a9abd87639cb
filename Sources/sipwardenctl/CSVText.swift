import Foundation

/// RFC 4180 text for the history and analysis tables: CRLF line ends, a header row, fields
/// with a comma, quote, line break or edge space quoted, quotes doubled.
enum CSVText {
    /// The CSV text of a header and rows.
    static func render(header: [String], rows: [[String]]) -> String {
        var text = header.map(quote).joined(separator: ",") + "\r\n"
        for row in rows { text += row.map(quote).joined(separator: ",") + "\r\n" }
        return text
    }

    private static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field.hasPrefix(" ") || field.hasSuffix(" ") else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
