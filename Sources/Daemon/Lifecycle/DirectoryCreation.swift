import Foundation

/// Creating the directories the daemon writes to, with an error that names the directory
/// and the reason in words ("cannot create the data directory /proc/nope: No such file or
/// directory") instead of a raw Foundation error.
enum DirectoryCreation {
    /// What could not be created, and why.
    struct Failure: Error, CustomStringConvertible {
        /// What the directory is for, e.g. "data directory".
        let purpose: String
        let path: String
        /// The directory that could not be made (`path` or one of its parents) and why.
        let reason: String
        var description: String { "cannot create the \(purpose) \(path): \(reason)" }
    }

    /// Creates `path` and its missing parents (mode 0755 less the umask), like `mkdir -p`.
    static func ensure(_ path: String, purpose: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Failure(purpose: purpose, path: path, reason: "it exists and is not a directory")
            }
            return
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var prefix = ""
        for component in absolute.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 {
                let code = errno
                if code == EEXIST, FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), isDirectory.boolValue { continue }
                let what = prefix == absolute ? "" : " (at \(prefix))"
                let reason = code == EEXIST ? "a file of that name exists and is not a directory" : String(cString: strerror(code))
                throw Failure(purpose: purpose, path: path, reason: reason + what)
            }
        }
    }
}
