/// One policy plugin as `GET /v1/health` (and `sipwardenctl status --json`) names it under
/// `protections`: is it protecting, and from what configuration.
///
/// JSON keys: `name`, `state` (`loaded`, `disabled`, `failed`), `source` (`file` or `defaults`),
/// `enforce` (false: a dry run), `stale` (string or null: a reload could not apply its file).
public struct ProtectionInfo: Codable, Hashable, Sendable {
    /// The plugin's instance name.
    public var name: String
    /// "loaded", "disabled" or "failed".
    public var state: String
    /// "file" or "defaults".
    public var source: String
    /// False when its bans are only reported.
    public var enforce: Bool
    /// Why it runs a stale configuration, if it does.
    public var stale: String?

    /// Creates an entry.
    public init(name: String, state: String, source: String, enforce: Bool = true, stale: String? = nil) {
        self.name = name
        self.state = state
        self.source = source
        self.enforce = enforce
        self.stale = stale
    }

    private enum CodingKeys: String, CodingKey {
        case name, state, source, enforce, stale
    }

    /// Encodes every key, `stale` as `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(state, forKey: .state)
        try c.encode(source, forKey: .source)
        try c.encode(enforce, forKey: .enforce)
        try c.encode(stale, forKey: .stale)
    }

    /// Whether it is loaded and applies its bans.
    public var isProtecting: Bool { state == "loaded" && enforce }
}
