import ControlAPI

/// The table `plugins list` and `plugins reload` print.
enum PluginsTable {
    /// One line per plugin: name, version, state, file, and why it is not loaded.
    static func render(_ plugins: [PluginInfo]) -> String {
        var table = TextTable(headers: ["NAME", "VERSION", "STATE", "FILE", "DETAIL"])
        for plugin in plugins {
            table.append([
                plugin.name, plugin.version.isEmpty ? "-" : plugin.version, plugin.state, plugin.file,
                plugin.detail ?? "-",
            ])
        }
        return table.render()
    }

    /// "5 plugins: 4 loaded, 1 failed."
    static func summary(_ plugins: [PluginInfo]) -> String {
        var counts: [String: Int] = [:]
        for plugin in plugins { counts[plugin.state, default: 0] += 1 }
        let parts = ["loaded", "disabled", "failed"].compactMap { state in counts[state].map { "\($0) \(state)" } }
            + counts.keys.filter { !["loaded", "disabled", "failed"].contains($0) }.sorted().map { "\(counts[$0] ?? 0) \($0)" }
        return "\(plugins.count) plugin\(plugins.count == 1 ? "" : "s")\(parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))."
    }
}
