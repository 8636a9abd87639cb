import Foundation
import SIPWardenPolicy

/// Checking a policy file before it is written (the web console's rules page): the same parse
/// and the same plugin creation as `reload()`, on a throwaway instance, so a value the plugin
/// refuses never reaches the running one.
extension PluginHost {
    /// A policy text the loader refused: the message names the file, key and value.
    public struct CheckProblem: Error, CustomStringConvertible {
        /// The loader's message.
        public var description: String
        /// The key refused, when the loader named one.
        public var key: String?
    }

    /// Parses `text` as the policy file at `path` and creates its plugin with it, as a reload
    /// would; throws `CheckProblem` when either refuses. The instance made is dropped unused.
    public func check(policyText text: String, path: String) throws(CheckProblem) {
        let policy: PolicyFile
        do throws(PolicyConfigurationError) { policy = try PolicyFile.parse(yaml: text, path: path) } catch {
            throw CheckProblem(description: error.description, key: error.key.isEmpty ? nil : error.key)
        }
        guard policy.enabled, !policy.isExec else { return }
        let scoped = PluginScopedHost(base: host, plugin: policy.name, logger: logger)
        if factory?(policy, scoped) != nil { return }
        do throws(PluginLoadError) {
            _ = try PluginLoader.load(library: libraryPath(policy), configuration: policy.configuration, host: scoped)
        } catch {
            // "LIBRARY: the plugin could not start: FILE: KEY: invalid value ...": the part after
            // the library is what the operator has to fix.
            let marker = "the plugin could not start: "
            let text = error.description.range(of: marker).map { String(error.description[$0.upperBound...]) } ?? error.description
            throw CheckProblem(description: text, key: nil)
        }
    }
}
