import Foundation

/// The security log's file descriptor: opened for appending (so lines from a restarted daemon
/// follow the old ones and a rotated file is never overwritten), mode 0640.
struct SecurityLogFile {
    /// The path opened.
    let path: String
    private var descriptor: Int32

    /// Opens (creating when missing, with its directory) `path` for appending.
    init(path: String) throws(SecurityLogError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        descriptor = Self.open(path)
        if descriptor < 0 { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
    }

    private static func open(_ path: String) -> Int32 {
        Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
    }

    /// Closes and opens the path again (after logrotate moved the file away); on failure the
    /// old descriptor stays in use.
    mutating func reopen() throws(SecurityLogError) {
        let fresh = Self.open(path)
        guard fresh >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        if descriptor >= 0 { Foundation.close(descriptor) }
        descriptor = fresh
    }

    /// Writes all of `bytes`; false when the system refused (disk full, I/O error).
    func write(_ bytes: [UInt8]) -> Bool {
        guard descriptor >= 0 else { return false }
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += result
        }
        return true
    }

    /// Closes the descriptor.
    mutating func close() {
        if descriptor >= 0 { Foundation.close(descriptor) }
        descriptor = -1
    }
}
