/// How hard a commit works to survive failures, i.e. SQLite's `synchronous` setting in WAL mode.
///
/// The store always runs in WAL mode. In WAL mode:
/// - `.full` (`synchronous=FULL`) fsyncs the write-ahead log at every commit. A commit that
///   returned survives a process crash (`kill -9`) *and* an operating-system crash or power
///   loss. Each commit costs one fsync, which group commit amortises over many REGISTERs.
/// - `.normal` (`synchronous=NORMAL`) fsyncs only at checkpoints. A commit that returned still
///   survives a process crash (the data is in the OS page cache, which the kernel writes out),
///   but the last commits before a power loss or kernel panic may be rolled back. The database
///   never becomes corrupt either way. Commits are much cheaper.
///
/// The registrar promises that an acknowledged (200 OK) registration is durable, so `.full` is
/// the default; `.normal` is for hosts where losing the last moments of registrations on power
/// loss is acceptable (phones re-register anyway) and the disk's fsync is slow.
public enum StoreDurability: Sendable, Hashable {
    /// `synchronous=FULL`: survives process crash and power loss.
    case full
    /// `synchronous=NORMAL`: survives process crash; may lose the latest commits on power loss.
    case normal

    /// The value for `PRAGMA synchronous`.
    var synchronousPragma: String {
        switch self {
        case .full: "FULL"
        case .normal: "NORMAL"
        }
    }

    /// What `PRAGMA synchronous` reads back for this setting.
    var synchronousLevel: Int {
        switch self {
        case .full: 2
        case .normal: 1
        }
    }
}
