/// Errors the store reports itself (SQLite failures during normal operation are passed through
/// as GRDB's `DatabaseError`, which names the SQLite result code and message).
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database at `path` could not be created, opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// The file at `path` is an SQLite database, but not one SIPWarden created.
    case foreignDatabase(path: String)
    /// The database at `path` was migrated by a newer SIPWarden: it holds schema versions this
    /// build does not know.
    case newerSchema(path: String, unknownVersions: [String])
    /// A stored row could not be turned back into a model value (hand-edited or corrupt data).
    case invalidRow(table: String, reason: String)
    /// The group committer was stopped with `drainAndStop()` and accepts no more changes.
    case committerStopped
    /// No subscriber has this username and domain (nil: the any-domain subscriber).
    case noSuchSubscriber(username: String, domain: String?)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            "cannot open the SIPWarden database at \(path): \(reason); check that the directory exists or can be created and is writable"
        case let .foreignDatabase(path):
            "the file at \(path) is an SQLite database that SIPWarden did not create; point the store at a new or SIPWarden-owned file"
        case let .newerSchema(path, unknownVersions):
            "the SIPWarden database at \(path) was written by a newer SIPWarden (unknown schema versions: \(unknownVersions.joined(separator: ", "))); upgrade SIPWarden or use another file"
        case let .invalidRow(table, reason):
            "invalid row in table \(table): \(reason)"
        case .committerStopped:
            "the group committer has been stopped; the changes were not written"
        case let .noSuchSubscriber(username, domain):
            "no subscriber '\(domain.map { "\(username)@\($0)" } ?? username)'; add it first with 'sipwardenctl subscriber add'"
        }
    }
}
