import ControlAPI

/// The table `plugins list` and `plugins reload` print.
enum PluginsTable {
    /// One line per plugin: name, version, state, where its configuration comes from, whether
    /// it enforces, events it dropped, file, and why it is not loaded (or runs a stale configuration).
    static func render(_ plugins: [PluginInfo]) -> String {
        var table = TextTable(headers: ["NAME", "VERSION", "STATE", "CONFIG", "ENFORCE", "DROPPED", "FILE", "DETAIL"])
        for plugin in plugins {
            var detail = plugin.detail ?? ""
            if let stale = plugin.stale { detail = "stale: " + stale }
            if plugin.restarts > 0 { detail += (detail.isEmpty ? "" : "; ") + "restarted \(plugin.restarts)x, last \(plugin.lastExit ?? "?")" }
            table.append([
                plugin.name, plugin.version.isEmpty ? "-" : plugin.version, plugin.stale == nil ? plugin.state : plugin.state + " (stale)",
                plugin.source == "defaults" ? "defaults" : (plugin.policyFile ?? "file"), plugin.enforce ? "yes" : "no (dry run)",
                "\(plugin.eventsDropped)", plugin.file, detail.isEmpty ? "-" : detail,
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
