/// One plugin instance as the control API shows it.
public struct PluginStatus: Hashable, Sendable {
    /// The instance name: the policy file's base name.
    public var name: String
    /// The plugin's own version; empty when it never loaded.
    public var version: String
    /// The library file (or, for exec plugins, the command's program).
    public var file: String
    /// The policy file it came from.
    public var policyFile: String
    /// Loaded, disabled or failed.
    public var state: PluginState
    /// Events handed to it.
    public var eventsHandled: UInt64
    /// Decisions it returned.
    public var decisions: UInt64

    /// Creates a status.
    public init(name: String, version: String, file: String, policyFile: String, state: PluginState,
                eventsHandled: UInt64 = 0, decisions: UInt64 = 0) {
        self.name = name
        self.version = version
        self.file = file
        self.policyFile = policyFile
        self.state = state
        self.eventsHandled = eventsHandled
        self.decisions = decisions
    }
}
