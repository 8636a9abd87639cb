import Foundation

/// Policies directories for end-to-end tests. With no policy file the shipped plugins run on
/// their built-in defaults, so a test that wants no policy plugin at all switches each off.
enum PolicyDirectories {
    /// The plugins SIPWarden ships.
    static let shipped = ["allowlist", "bruteforce", "hijack", "ratelimit", "scanner"]

    /// A fresh directory with a policy file `enabled: false` for every shipped plugin.
    static func allDisabled(_ label: String = "no-policies") throws -> URL {
        let directory = try TestEnvironment.temporaryDirectory(label)
        for name in shipped {
            try "plugin: \(name)\nenabled: false\n".write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        return directory
    }
}
