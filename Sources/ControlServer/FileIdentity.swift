import Foundation

/// A file's device and inode: tells whether the file at a path is still the one seen before.
struct FileIdentity: Hashable, Sendable {
    /// The device number.
    var device: UInt64
    /// The inode number.
    var inode: UInt64

    /// The identity of the file at `path` (not following a final symlink), or nil when
    /// there is none.
    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
