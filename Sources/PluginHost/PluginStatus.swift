/// One plugin instance as the control API shows it.
public struct PluginStatus: Hashable, Sendable {
    /// The instance name: the policy file's base name (a shipped plugin's name on its defaults).
    public var name: String
    /// The plugin's own version; empty when it never loaded.
    public var version: String
    /// The library file (or, for exec plugins, the command's program).
    public var file: String
    /// The policy file it came from; empty when it runs on its built-in defaults.
    public var policyFile: String
    /// Loaded, disabled or failed.
    public var state: PluginState
    /// Events handed to it.
    public var eventsHandled: UInt64
    /// Decisions it returned.
    public var decisions: UInt64
    /// Whether it is a shipped plugin running on its built-in defaults (no policy file names it).
    public var onDefaults: Bool
    /// The policy's `enforce`: false means its bans are only reported (`ban.would_add`).
    public var enforce: Bool
    /// Why the last reload kept this instance on its previous configuration (the changed
    /// policy file did not load); nil when it runs what its file says.
    public var stale: String?
    /// Events it never saw because its queue was full.
    public var eventsDropped: UInt64
    /// Times an exec plugin's command died and was restarted.
    public var restarts: UInt64
    /// How an exec plugin's command last ended (`exited with status 1`), if it ever did.
    public var lastExit: String?

    /// Creates a status.
    public init(name: String, version: String, file: String, policyFile: String, state: PluginState,
                eventsHandled: UInt64 = 0, decisions: UInt64 = 0, onDefaults: Bool = false, enforce: Bool = true,
                stale: String? = nil, eventsDropped: UInt64 = 0, restarts: UInt64 = 0, lastExit: String? = nil) {
        self.name = name
        self.version = version
        self.file = file
        self.policyFile = policyFile
        self.state = state
        self.eventsHandled = eventsHandled
        self.decisions = decisions
        self.onDefaults = onDefaults
        self.enforce = enforce
        self.stale = stale
        self.eventsDropped = eventsDropped
        self.restarts = restarts
        self.lastExit = lastExit
    }
}
