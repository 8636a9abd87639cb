import Yams

extension ConfigurationLoader {
    /// `keepalive.*`: enabled, interval, max_misses, remove_after, targets.
    static func readKeepalive(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "keepalive") {
            let path = "keepalive." + key
            switch key {
            case "enabled": configuration.keepalive.enabled = try reader.bool(value, key: path)
            case "interval": configuration.keepalive.interval = try reader.integer(value, key: path, range: 1...3600)
            case "max_misses": configuration.keepalive.maxMisses = Int(try reader.integer(value, key: path, range: 1...100))
            case "remove_after": configuration.keepalive.removeAfter = try reader.integer(value, key: path, range: 0...604_800)
            case "targets":
                let text = try reader.string(value, key: path)
                guard let targets = KeepaliveConfiguration.Targets(rawValue: text.lowercased()) else {
                    throw reader.error(path, text, "expected nat (only NATed bindings) or all")
                }
                configuration.keepalive.targets = targets
            default:
                throw reader.unknownKey(path, known: ["enabled", "interval", "max_misses", "remove_after", "targets"].map { "keepalive." + $0 })
            }
        }
    }
}
