import Configuration
import Foundation
import PluginHost
import SIPWardenPolicy

/// `sipwarden --check-config`: validates the configuration (already parsed and validated by
/// the caller) and every policy file, as the daemon would load them, without starting
/// anything: no socket, no database, no firewall change, no exec plugin's command run.
/// Each shipped or third-party plugin library is loaded and handed its settings, so a
/// setting only the plugin knows (a typo'd event kind, an unknown match mode) is found too.
public enum ConfigurationCheck {
    /// What the check found: a line per policy file, and the problems (empty: all good).
    public struct Report: Sendable {
        /// One line per checked policy file, e.g. "bruteforce: ok (rules/policies/bruteforce.yaml)".
        public var lines: [String] = []
        /// Each problem, naming the file, key and value.
        public var problems: [String] = []
    }

    /// Checks the policy files `configuration` points at, the devices file and the GeoIP database.
    public static func run(_ configuration: DaemonConfiguration) -> Report {
        var report = Report()
        let set = PolicySet(configuration)
        report.lines.append("policies directory: \(set.directory.explanation)")
        report.problems += set.problems.map(\.description)
        for policy in set.policies {
            let origin = policy.isBuiltInDefaults ? "built-in defaults" : policy.path
            guard policy.enabled else {
                report.lines.append("\(policy.name): disabled (enabled: false in \(policy.path))")
                continue
            }
            if policy.isExec {
                let command = policy.command[0]
                if FileManager.default.isExecutableFile(atPath: command) {
                    report.lines.append("\(policy.name): ok, exec \(command) (not run by the check)")
                } else {
                    report.problems.append("\(policy.path): command: \(command): not an executable file")
                }
                continue
            }
            let library = PolicySet.library(policy, in: configuration.effectivePluginsDirectory)
            do {
                let plugin = try PluginLoader.load(library: library, configuration: policy.configuration, host: CheckHost())
                report.lines.append("\(policy.name): ok, \(policy.plugin) \(plugin.version) (\(origin))")
            } catch {
                report.problems.append(error.description)
            }
        }
        checkAnalysis(configuration, into: &report)
        return report
    }

    /// The host a plugin sees during the check: nothing is trusted or registered; logs are dropped.
    private final class CheckHost: PolicyHost {
        func log(_ level: PolicyLogLevel, _ message: String) {}
        func isTrusted(_ address: IPAddress) -> Bool { false }
        func liveBindingCount(from address: IPAddress) -> Int { 0 }
        func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    }
}
