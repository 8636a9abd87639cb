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
/// - A header line naming the columns, first `user;password`, then any of `account`,
///   `display_name`, `auth_mode`, `domain`, `realm`, `ha1_md5` and `ha1_sha256` in any order
///   (`user;password;account;display_name;auth_mode`), turns the further fields on: each line's
///   fields are read by the header's columns (a missing or empty trailing field is "not given").
///   Without a header, further fields are ignored as before. A bad field is reported with its
///   line and column.
/// - `domain` overrides the import's `--domain` for that line. `realm`, `ha1_md5` and
///   `ha1_sha256` carry a subscriber's HA1 digests instead of its password (the password field
///   is then empty): what `sipwardenctl subscriber export` writes, since passwords are never
///   stored. The digests are only valid for their realm; the daemon refuses an entry whose realm
///   is not the one it would authenticate that subscriber in.
/// - Blank lines and lines whose first non-blank character is `#` are ignored; a trailing
///   `\r` (a file written on Windows) is stripped.
/// - A bad line makes the whole file fail with its line number: nothing is imported.
public enum SubscriberImportFile {
    /// The read-order keywords SIPp allows on the first line.
    public static let orderKeywords: Set<String> = ["SEQUENTIAL", "RANDOM", "USER"]
    /// The columns a header line may name after `user;password`.
    public static let optionalColumns = ["account", "display_name", "auth_mode", "domain", "realm", "ha1_md5", "ha1_sha256"]

    /// Parses the file's bytes into import entries, every one given `domain`.
    ///
    /// - Throws: `SubscriberImportFileError` naming the first bad line.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, domain: String? = nil) throws(SubscriberImportFileError) -> [SubscriberImportEntry]
    where Bytes.Element == UInt8 {
        var entries: [SubscriberImportEntry] = []
        var firstLine: [SubscriberKey: Int] = [:]
        var sawContent = false
        var columns: [String]?
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
            if columns == nil, entries.isEmpty, let header = try headerColumns(trimmed, line: lineNumber) {
                columns = header
                continue
            }
            let fields = line.split(separator: ";", maxSplits: columns.map { $0.count - 1 } ?? 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw SubscriberImportFileError(
                    line: lineNumber, message: "expected 'user;password', found '\(abbreviate(trimmed))'")
            }
            var entry = SubscriberImportEntry(
                username: trim(String(fields[0])), password: String(fields[1]), domain: domain)
            if let columns {
                for (index, name) in columns.enumerated().dropFirst(2) where index < fields.count {
                    let value = trim(String(fields[index]))
                    if value.isEmpty { continue }
                    let problem: String?
                    switch name {
                    case "account": entry.account = value; problem = SubscriberValidation.problem(text: value, field: "account tag")
                    case "display_name": entry.displayName = value; problem = SubscriberValidation.problem(text: value, field: "display name")
                    case "domain": entry.domain = value; problem = SubscriberValidation.problem(domain: value)
                    case "realm": entry.realm = value; problem = SubscriberValidation.problem(text: value, field: "realm")
                    case "ha1_md5": entry.ha1MD5 = value.lowercased(); problem = nil
                    case "ha1_sha256": entry.ha1SHA256 = value.lowercased(); problem = nil
                    default: entry.authMode = value; problem = SubscriberValidation.problem(authMode: value)
                    }
                    if let problem {
                        throw SubscriberImportFileError(line: lineNumber, message: "column \(index + 1) (\(name)): \(problem)")
                    }
                }
            }
            if let problem = SubscriberValidation.problem(username: entry.username) {
                throw SubscriberImportFileError(line: lineNumber, message: "column 1 (user): \(problem)")
            }
            if let problem = entry.digestProblem() {
                throw SubscriberImportFileError(line: lineNumber, message: "HA1 digests: \(problem)")
            }
            if let problem = entry.validationProblem() {
                throw SubscriberImportFileError(line: lineNumber, message: "column 2 (password): \(problem)")
            }
            let key = SubscriberKey(username: entry.username, domain: entry.domain)
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

    /// The columns of a header line (`user;password[;account|display_name|auth_mode...]`), nil
    /// when the line is not a header.
    private static func headerColumns(_ line: String, line number: Int) throws(SubscriberImportFileError) -> [String]? {
        let names = line.split(separator: ";", omittingEmptySubsequences: false).map { trim(String($0)).lowercased() }
        guard names.count >= 2, names[0] == "user" || names[0] == "username", names[1] == "password" else { return nil }
        var seen = Set<String>()
        for (index, name) in names.enumerated().dropFirst(2) {
            guard optionalColumns.contains(name) else {
                throw SubscriberImportFileError(
                    line: number,
                    message: "column \(index + 1): unknown column '\(abbreviate(name))' in the header; known after user;password: \(optionalColumns.joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else {
                throw SubscriberImportFileError(line: number, message: "column \(index + 1): the header names '\(name)' twice")
            }
        }
        return ["user", "password"] + names.dropFirst(2)
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
