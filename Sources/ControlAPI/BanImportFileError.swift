/// The bad lines of a blocklist file: the first ones with their numbers and reasons, and how
/// many there are in all.
public struct BanImportFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first bad lines (at most `BanImportRequest.namedProblems`), in file order.
    public var lines: [SubscriberImportFileError]
    /// How many lines are bad in all.
    public var count: Int

    /// Creates a file error.
    public init(lines: [SubscriberImportFileError], count: Int) {
        self.lines = lines
        self.count = count
    }

    /// "line 3: ...; line 9: ... (and N more)".
    public var description: String {
        let more = count > lines.count ? " (and \(count - lines.count) more bad lines)" : ""
        return lines.map(\.description).joined(separator: "; ") + more
    }
}
