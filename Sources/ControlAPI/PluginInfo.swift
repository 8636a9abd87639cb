/// One policy plugin as `GET /v1/plugins` lists it, and as `sipwardenctl plugins list
/// --json` prints it.
///
/// JSON keys (every key always present):
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `name` | string | the plugin's name, "bruteforce" |
/// | `version` | string | its version ("" when it never loaded) |
/// | `file` | string | the library it was loaded from, or the exec command |
/// | `state` | string | `loaded`, `disabled` or `failed` |
/// | `detail` | string or null | why it is disabled or failed |
/// | `source` | string | `file` (a policy file configures it) or `defaults` (a shipped plugin no file names, on its built-in defaults) |
/// | `policy_file` | string or null | the policy file; null on defaults |
/// | `enforce` | bool | false: a dry run, its bans are reported as `ban.would_add`, not applied |
/// | `stale` | string or null | the error of the last reload that could not apply its changed policy file: it keeps running its last good configuration |
/// | `events_handled` | int | events handed to it |
/// | `events_dropped` | int | events it missed because its queue was full |
/// | `decisions` | int | decisions it returned |
/// | `restarts` | int | times an exec plugin's command died and was restarted |
/// | `last_exit` | string or null | how an exec plugin's command last ended |
///
/// Daemons older than these keys leave them out; decoding then gives `source` "file",
/// `enforce` true and zero counts.
public struct PluginInfo: Codable, Hashable, Sendable {
    /// The plugin's name, as in its policy file.
    public var name: String
    /// The plugin's version string; empty when it never loaded.
    public var version: String
    /// The library path, or the command of an exec plugin.
    public var file: String
    /// "loaded", "disabled" or "failed".
    public var state: String
    /// Why the plugin is disabled or failed; nil when it is loaded.
    public var detail: String?
    /// "file" or "defaults".
    public var source: String
    /// The policy file; nil on defaults.
    public var policyFile: String?
    /// False for a dry run.
    public var enforce: Bool
    /// Why it runs a stale configuration; nil when it runs what its file says.
    public var stale: String?
    /// Events handed to it.
    public var eventsHandled: UInt64
    /// Events it missed (its queue was full).
    public var eventsDropped: UInt64
    /// Decisions it returned.
    public var decisions: UInt64
    /// Restarts of an exec plugin's command.
    public var restarts: UInt64
    /// How an exec plugin's command last ended.
    public var lastExit: String?

    /// Creates a listing entry.
    public init(name: String, version: String, file: String, state: String, detail: String? = nil, source: String = "file",
                policyFile: String? = nil, enforce: Bool = true, stale: String? = nil, eventsHandled: UInt64 = 0,
                eventsDropped: UInt64 = 0, decisions: UInt64 = 0, restarts: UInt64 = 0, lastExit: String? = nil) {
        self.name = name
        self.version = version
        self.file = file
        self.state = state
        self.detail = detail
        self.source = source
        self.policyFile = policyFile
        self.enforce = enforce
        self.stale = stale
        self.eventsHandled = eventsHandled
        self.eventsDropped = eventsDropped
        self.decisions = decisions
        self.restarts = restarts
        self.lastExit = lastExit
    }

    /// The JSON keys.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        /// `name`
        case name
        /// `version`
        case version
        /// `file`
        case file
        /// `state`
        case state
        /// `detail`
        case detail
        /// `source`
        case source
        /// `policy_file`
        case policyFile = "policy_file"
        /// `enforce`
        case enforce
        /// `stale`
        case stale
        /// `events_handled`
        case eventsHandled = "events_handled"
        /// `events_dropped`
        case eventsDropped = "events_dropped"
        /// `decisions`
        case decisions
        /// `restarts`
        case restarts
        /// `last_exit`
        case lastExit = "last_exit"
    }

    /// Decodes an entry; `detail` may be missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(String.self, forKey: .version)
        file = try c.decode(String.self, forKey: .file)
        state = try c.decode(String.self, forKey: .state)
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? "file"
        policyFile = try c.decodeIfPresent(String.self, forKey: .policyFile)
        enforce = try c.decodeIfPresent(Bool.self, forKey: .enforce) ?? true
        stale = try c.decodeIfPresent(String.self, forKey: .stale)
        eventsHandled = try c.decodeIfPresent(UInt64.self, forKey: .eventsHandled) ?? 0
        eventsDropped = try c.decodeIfPresent(UInt64.self, forKey: .eventsDropped) ?? 0
        decisions = try c.decodeIfPresent(UInt64.self, forKey: .decisions) ?? 0
        restarts = try c.decodeIfPresent(UInt64.self, forKey: .restarts) ?? 0
        lastExit = try c.decodeIfPresent(String.self, forKey: .lastExit)
    }

    /// Encodes every key, the optional ones as `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(version, forKey: .version)
        try c.encode(file, forKey: .file)
        try c.encode(state, forKey: .state)
        try c.encode(detail, forKey: .detail)
        try c.encode(source, forKey: .source)
        try c.encode(policyFile, forKey: .policyFile)
        try c.encode(enforce, forKey: .enforce)
        try c.encode(stale, forKey: .stale)
        try c.encode(eventsHandled, forKey: .eventsHandled)
        try c.encode(eventsDropped, forKey: .eventsDropped)
        try c.encode(decisions, forKey: .decisions)
        try c.encode(restarts, forKey: .restarts)
        try c.encode(lastExit, forKey: .lastExit)
    }
}
