/// Why the history file could not be used; each case names the file and says what to do.
public enum HistoryStoreError: Error, CustomStringConvertible, Sendable {
    /// The file or its directory could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// The file is some other program's SQLite database.
    case foreignDatabase(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open the history database: \(reason) (check the data directory's permissions and free space, or set history.enabled: false)"
        case .foreignDatabase(let path):
            return "\(path): is not a SIPWarden history database; move it away, and SIPWarden creates a new one"
        }
    }
}
