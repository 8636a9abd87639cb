import Configuration
import Foundation
import SIPWardenPolicy

/// The policies a daemon would run, read without running them (for `--check-config` and
/// `--policy-test`): every policy file of the policies directory in force, and the shipped
/// plugins no file names on their built-in defaults, as ``PluginHost`` loads them.
public struct PolicySet {
    /// The policies that load, files first (in file-name order), then the defaults.
    public var policies: [PolicyFile] = []
    /// The files that do not load.
    public var problems: [PolicyConfigurationError] = []
    /// How the directory was chosen.
    public var directory: PoliciesDirectory

    /// Reads the policies `configuration` points at.
    public init(_ configuration: DaemonConfiguration, builtIn: [String] = PluginHost.shippedPlugins) {
        directory = configuration.effectivePoliciesDirectory
        var covered = Set<String>()
        var paths: [String] = []
        if let path = directory.path, !directory.configuredButMissing {
            do { paths = try PolicyFile.paths(in: path) } catch { problems.append(error) }
        }
        for path in paths {
            do throws(PolicyConfigurationError) {
                let policy = try PolicyFile.load(path: path)
                covered.insert(policy.plugin)
                policies.append(policy)
            } catch {
                // A broken file keeps the plugin of its name off, as in the daemon.
                covered.insert(((path as NSString).lastPathComponent as NSString).deletingPathExtension)
                problems.append(error)
            }
        }
        for plugin in builtIn where !covered.contains(plugin) {
            policies.append(PolicyFile.builtInDefaults(plugin: plugin))
        }
    }

    /// The library file of a policy's plugin in `pluginsDirectory`.
    public static func library(_ policy: PolicyFile, in pluginsDirectory: String) -> String {
        (pluginsDirectory as NSString).appendingPathComponent(PluginLoader.libraryFileName(plugin: policy.plugin))
    }
}
