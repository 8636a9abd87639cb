/// A blocklist file as `sipwardenctl ban import` reads it: one address or CIDR range per
/// line; blank lines and `#` comments (whole lines, or after the target) are skipped, spaces
/// and tabs are trimmed; LF and CRLF line ends both count as one line.
public struct BanImportFile: Sendable {
    /// The targets in file order, as written (the daemon canonicalises them).
    public var targets: [String]
    /// The 1-based line number of each target.
    public var lines: [Int]

    /// Reads `text`; throws the bad lines (at most `BanImportRequest.namedProblems`, with
    /// `BanTarget.problem`'s reason) when any target is unacceptable.
    public static func parse(_ text: String) throws(BanImportFileError) -> BanImportFile {
        var file = BanImportFile(targets: [], lines: [])
        var bad: [SubscriberImportFileError] = []
        var badCount = 0
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            var line = rawLine
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let target = line.trimmingBlanks()
            guard !target.isEmpty else { continue }
            if let problem = BanTarget.problem(target) {
                badCount += 1
                if bad.count < BanImportRequest.namedProblems { bad.append(SubscriberImportFileError(line: number, message: problem)) }
                continue
            }
            file.targets.append(target)
            file.lines.append(number)
        }
        guard bad.isEmpty else { throw BanImportFileError(lines: bad, count: badCount) }
        return file
    }
}
