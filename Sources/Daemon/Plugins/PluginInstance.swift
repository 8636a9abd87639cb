import SIPWardenPolicy
import Synchronization

/// One policy file's plugin inside the host: the plugin object (when it loaded), where it came
/// from, its state and counters. Immutable apart from the state and counters, which the host's
/// worker updates and the control API reads.
final class PluginInstance: Sendable {
    let policy: PolicyFile
    /// The library path, or the exec command's program.
    let file: String
    let plugin: (any PolicyPlugin)?
    let exec: ExecPlugin?
    let version: String
    let wantsAdmission: Bool
    private let mutableState: Mutex<PluginState>
    let eventsHandled = Atomic<UInt64>(0)
    let decisions = Atomic<UInt64>(0)

    init(policy: PolicyFile, file: String, plugin: (any PolicyPlugin)?, exec: ExecPlugin?, state: PluginState) {
        self.policy = policy
        self.file = file
        self.plugin = plugin
        self.exec = exec
        self.version = plugin?.version ?? ""
        self.wantsAdmission = plugin?.wantsAdmission ?? false
        self.mutableState = Mutex(state)
    }

    var name: String { policy.name }

    var state: PluginState {
        get { mutableState.withLock { $0 } }
        set { mutableState.withLock { $0 = newValue } }
    }

    /// The plugin object while it is loaded; nil once disabled or failed.
    var active: (any PolicyPlugin)? { state.isLoaded ? plugin : nil }

    var status: PluginStatus {
        PluginStatus(name: name, version: version, file: file, policyFile: policy.path, state: state,
                     eventsHandled: eventsHandled.load(ordering: .relaxed), decisions: decisions.load(ordering: .relaxed))
    }
}
