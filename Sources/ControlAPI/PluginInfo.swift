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

    /// Creates a listing entry.
    public init(name: String, version: String, file: String, state: String, detail: String? = nil) {
        self.name = name
        self.version = version
        self.file = file
        self.state = state
        self.detail = detail
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
    }

    /// Decodes an entry; `detail` may be missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(String.self, forKey: .version)
        file = try c.decode(String.self, forKey: .file)
        state = try c.decode(String.self, forKey: .state)
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
    }

    /// Encodes every key, `detail` as `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(version, forKey: .version)
        try c.encode(file, forKey: .file)
        try c.encode(state, forKey: .state)
        try c.encode(detail, forKey: .detail)
    }
}
