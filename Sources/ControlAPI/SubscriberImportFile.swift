/// Reads a SIPp injection file of subscribers, the format `sipp -inf` takes and
/// `sipwardenctl subscriber import` accepts:
///
/// ```
/// SEQUENTIAL
/// # comment
/// 1000;pw1000
/// 1001;pw1001;anything else is ignored
/// ```
///
/// - The first non-blank, non-comment line may be `SEQUENTIAL`, `RANDOM` or `USER` (SIPp's
///   read orders, meaningless for an import and skipped). SIPp's `PRINTF` expansion options
///   on that line are refused with a message rather than silently misread.
/// - Every other line is `user;password`; further `;fields` are ignored. The username is
///   trimmed of blanks; the password is taken as written (SIPp sends it that way too).
/// - Blank lines and lines whose first non-blank character is `#` are ignored; a trailing
///   `\r` (a file written on Windows) is stripped.
/// - A bad line makes the whole file fail with its line number: nothing is imported.
public enum SubscriberImportFile {
    /// The read-order keywords SIPp allows on the first line.
    public static let orderKeywords: Set<String> = ["SEQUENTIAL", "RANDOM", "USER"]

    /// Parses the file's bytes into import entries, every one given `domain`.
    ///
    /// - Throws: `SubscriberImportFileError` naming the first bad line.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, domain: String? = nil) throws(SubscriberImportFileError) -> [SubscriberImportEntry]
    where Bytes.Element == UInt8 {
        var entries: [SubscriberImportEntry] = []
        var firstLine: [SubscriberKey: Int] = [:]
        var sawContent = false
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            guard var line = String(validating: rawLine, as: UTF8.self) else {
                throw SubscriberImportFileError(line: lineNumber, message: "the line is not valid UTF-8")
            }
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = trim(line)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let isFirst = !sawContent
            sawContent = true
            if isFirst, let keyword = orderKeyword(in: trimmed) {
                if keyword.hasOptions {
                    throw SubscriberImportFileError(
                        line: lineNumber,
                        message: "SIPp's expansion options ('\(abbreviate(trimmed))') are not supported; write one user;password line per subscriber")
                }
                continue
            }
            let fields = line.split(separator: ";", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw SubscriberImportFileError(
                    line: lineNumber, message: "expected 'user;password', found '\(abbreviate(trimmed))'")
            }
            let entry = SubscriberImportEntry(
                username: trim(String(fields[0])), password: String(fields[1]), domain: domain)
            if let problem = entry.validationProblem() {
                throw SubscriberImportFileError(line: lineNumber, message: problem)
            }
            let key = SubscriberKey(username: entry.username, domain: domain)
            if let earlier = firstLine.updateValue(lineNumber, forKey: key) {
                throw SubscriberImportFileError(
                    line: lineNumber, message: "the username '\(entry.username)' already appears on line \(earlier)")
            }
            entries.append(entry)
        }
        return entries
    }

    /// Parses the file's text (see `parse(_:domain:)` on bytes).
    public static func parse(text: String, domain: String? = nil) throws(SubscriberImportFileError) -> [SubscriberImportEntry] {
        try parse(Array(text.utf8), domain: domain)
    }

    private static func orderKeyword(in line: String) -> (keyword: String, hasOptions: Bool)? {
        let head = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let keyword = trim(String(head[0])).uppercased()
        guard orderKeywords.contains(keyword) else { return nil }
        return (keyword, head.count > 1)
    }

    private static func trim(_ text: String) -> String {
        var view = Substring(text)
        while let first = view.first, first == " " || first == "\t" || first == "\r" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" || last == "\r" { view.removeLast() }
        return String(view)
    }

    private static func abbreviate(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}
