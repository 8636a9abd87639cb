import Foundation

/// A file argument that may be `-` for standard input (`subscriber import`, `ban import`).
struct InputFile {
    /// The path as given, or `-`.
    let path: String

    /// "standard input" or the path, for messages.
    var displayName: String { path == "-" ? "standard input" : path }

    /// The whole file (or standard input); a missing file or a directory is a usage error saying which.
    func read() throws -> Data {
        if path == "-" {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIFailure.usage("cannot read \(path): no such file")
        }
        guard !isDirectory.boolValue else {
            throw CLIFailure.usage("cannot read \(path): it is a directory")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIFailure.usage("cannot read \(path): \(error.localizedDescription)")
        }
    }
}
