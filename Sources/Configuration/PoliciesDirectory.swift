import Foundation

/// Which policies directory the daemon reads, and why: the configured one (`policies_dir`,
/// `--policies-dir`), else the first that exists of `<program's directory>/policies`,
/// `<program's directory>/../../etc/sipwarden/policies` (a `PREFIX/lib/sipwarden` install's
/// `PREFIX/etc`) and `/etc/sipwarden/policies`. The working directory never counts. With none,
/// the shipped plugins run on their built-in defaults.
public struct PoliciesDirectory: Sendable, Equatable {
    /// The directory read; nil when none was configured and none of the candidates exists.
    public var path: String?
    /// How it was chosen, for the startup log line.
    public var explanation: String
    /// Whether a configured directory is missing (worth a warning: a typo in `policies_dir`).
    public var configuredButMissing = false

    /// The directories searched, in order, when none is configured.
    public static func candidates(programDirectory: String) -> [String] {
        let program = URL(fileURLWithPath: programDirectory)
        return [
            program.appendingPathComponent("policies").path,
            program.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("etc/sipwarden/policies").standardized.path,
            "/etc/sipwarden/policies",
        ].reduce(into: [String]()) { list, path in if !list.contains(path) { list.append(path) } }
    }

    /// Chooses the directory: `configured` when given (even when it does not exist: then the
    /// built-in defaults are in force and the explanation says so), else the first existing candidate.
    public static func resolve(configured: String?, programDirectory: String,
                               exists: (String) -> Bool = PoliciesDirectory.isDirectory) -> PoliciesDirectory {
        if let configured {
            let found = exists(configured)
            return PoliciesDirectory(
                path: configured,
                explanation: found ? "\(configured) (configured)"
                    : "\(configured) (configured) does not exist: the shipped plugins run on their built-in defaults",
                configuredButMissing: !found)
        }
        let candidates = candidates(programDirectory: programDirectory)
        if let found = candidates.first(where: exists) {
            return PoliciesDirectory(path: found, explanation: "\(found) (found; searched \(candidates.joined(separator: ", ")))")
        }
        return PoliciesDirectory(
            path: nil,
            explanation: "none found (searched \(candidates.joined(separator: ", "))): the shipped plugins run on their built-in defaults; "
                + "set policies_dir or --policies-dir to tune them")
    }

    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
