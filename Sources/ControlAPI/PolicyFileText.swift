/// A plugin's policy file as `GET /v1/plugins/{name}/policy` shows it and
/// `PUT /v1/plugins/{name}/policy` takes it (the web console's rules page).
///
/// JSON keys: `plugin`, `path` (where the daemon reads it; ignored in a PUT), `text` (the YAML;
/// empty when the plugin has no file and runs on its defaults).
public struct PolicyFileText: Codable, Hashable, Sendable {
    /// The plugin's name.
    public var plugin: String
    /// The file's path on the daemon's host.
    public var path: String
    /// The file's YAML text.
    public var text: String

    /// Creates a policy file text.
    public init(plugin: String, path: String, text: String) {
        self.plugin = plugin
        self.path = path
        self.text = text
    }
}
