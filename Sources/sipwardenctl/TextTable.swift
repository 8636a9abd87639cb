/// An aligned plain-text table: a header row, then one row per item, columns separated by
/// two spaces, the last column not padded.
///
/// Cells are sanitised: control characters (an attacker's User-Agent may carry terminal
/// escape sequences) are shown as `?`.
struct TextTable {
    /// The column titles.
    var headers: [String]
    /// The rows, each with one cell per column.
    var rows: [[String]] = []

    /// Creates an empty table with these column titles.
    init(headers: [String]) {
        self.headers = headers
    }

    /// Appends a row.
    mutating func append(_ row: [String]) {
        rows.append(row.map(Self.sanitize))
    }

    /// The table as text, each line ending in a newline.
    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var text = ""
        text.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + 1))
        func emit(_ cells: [String]) {
            for (index, cell) in cells.enumerated() {
                text += cell
                if index < cells.count - 1 {
                    text += String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            text += "\n"
        }
        emit(headers)
        for row in rows { emit(row) }
        return text
    }

    private static func sanitize(_ cell: String) -> String {
        guard cell.unicodeScalars.contains(where: isControl) else { return cell }
        return String(String.UnicodeScalarView(cell.unicodeScalars.map { isControl($0) ? "?" : $0 }))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
