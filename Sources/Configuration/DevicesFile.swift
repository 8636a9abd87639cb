import Foundation

/// Which devices file (the User-Agent rules of `analysis devices`) the daemon reads, and why:
/// the configured one (`analysis.devices_file`), else the first that exists of
/// `<program's directory>/devices.yaml`, `<program's directory>/../../etc/sipwarden/devices.yaml`,
/// `/etc/sipwarden/devices.yaml` and `devices.yaml` beside the policies directory in force (so
/// `--policies-dir rules/policies` finds `rules/devices.yaml`). The working directory never counts.
public struct DevicesFile: Sendable, Equatable {
    /// The file read; nil when none was configured and none of the candidates exists.
    public var path: String?
    /// How it was chosen, for the startup log line.
    public var explanation: String

    /// The files searched, in order, when none is configured.
    public static func candidates(programDirectory: String, policiesDirectory: String?) -> [String] {
        let program = URL(fileURLWithPath: programDirectory)
        var list = [
            program.appendingPathComponent("devices.yaml").path,
            program.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("etc/sipwarden/devices.yaml").standardized.path,
            "/etc/sipwarden/devices.yaml",
        ]
        if let policiesDirectory {
            list.append(URL(fileURLWithPath: policiesDirectory).deletingLastPathComponent().appendingPathComponent("devices.yaml").standardized.path)
        }
        return list.reduce(into: [String]()) { unique, path in if !unique.contains(path) { unique.append(path) } }
    }

    /// Chooses the file: `configured` when given, else the first existing candidate.
    public static func resolve(configured: String?, programDirectory: String, policiesDirectory: String?,
                               exists: (String) -> Bool = { FileManager.default.isReadableFile(atPath: $0) }) -> DevicesFile {
        if let configured { return DevicesFile(path: configured, explanation: "\(configured) (configured)") }
        let candidates = candidates(programDirectory: programDirectory, policiesDirectory: policiesDirectory)
        if let found = candidates.first(where: exists) {
            return DevicesFile(path: found, explanation: "\(found) (found; searched \(candidates.joined(separator: ", ")))")
        }
        return DevicesFile(path: nil, explanation: "none found (searched \(candidates.joined(separator: ", "))): every User-Agent shows as "
            + "vendor other; set analysis.devices_file to the rules/devices.yaml of the release")
    }
}
