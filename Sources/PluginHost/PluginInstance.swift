import SIPWardenPolicy
import Synchronization

/// One plugin inside the host (from a policy file, or a shipped plugin on its built-in
/// defaults): the plugin object (when it loaded), where it came from, its state, its worker and
/// counters. Immutable apart from the state, the stale mark and counters, which the host
/// updates and the control API reads.
final class PluginInstance: Sendable {
    let policy: PolicyFile
    /// The library path, or the exec command's program.
    let file: String
    let plugin: (any PolicyPlugin)?
    let exec: ExecPlugin?
    /// The thread and queue feeding the plugin its events (nil when it never loaded).
    let worker: PluginWorker?
    let version: String
    let wantsAdmission: Bool
    private let mutableState: Mutex<PluginState>
    private let mutableStale: Mutex<String?>
    let eventsHandled = Atomic<UInt64>(0)
    let decisions = Atomic<UInt64>(0)
    /// Set once the host started the worker (a kept instance is not started twice).
    let workerStarted = Atomic<Bool>(false)

    init(policy: PolicyFile, file: String, plugin: (any PolicyPlugin)?, exec: ExecPlugin?, state: PluginState, worker: PluginWorker? = nil) {
        self.policy = policy
        self.file = file
        self.plugin = plugin
        self.exec = exec
        self.worker = worker
        self.version = plugin?.version ?? ""
        self.wantsAdmission = plugin?.wantsAdmission ?? false
        self.mutableState = Mutex(state)
        self.mutableStale = Mutex(nil)
    }

    var name: String { policy.name }

    /// What identifies it across reloads: the policy file's path, or the shipped plugin's name.
    var key: String { Self.key(policy) }

    static func key(_ policy: PolicyFile) -> String { policy.isBuiltInDefaults ? "defaults:\(policy.plugin)" : policy.path }

    var state: PluginState {
        get { mutableState.withLock { $0 } }
        set { mutableState.withLock { $0 = newValue } }
    }

    /// Why the last reload could not apply a changed policy file, while this instance keeps
    /// running with its previous configuration; nil when it runs what the file says.
    var stale: String? {
        get { mutableStale.withLock { $0 } }
        set { mutableStale.withLock { $0 = newValue } }
    }

    /// The plugin object while it is loaded; nil once disabled or failed.
    var active: (any PolicyPlugin)? { state.isLoaded ? plugin : nil }

    var status: PluginStatus {
        let statistics = exec?.statistics
        return PluginStatus(
            name: name, version: version, file: file, policyFile: policy.path, state: state,
            eventsHandled: eventsHandled.load(ordering: .relaxed), decisions: decisions.load(ordering: .relaxed),
            onDefaults: policy.isBuiltInDefaults, enforce: policy.enforce, stale: stale,
            eventsDropped: (worker?.dropped ?? 0) + (statistics?.eventsDropped ?? 0),
            restarts: statistics?.deaths ?? 0, lastExit: statistics?.lastExit)
    }
}
