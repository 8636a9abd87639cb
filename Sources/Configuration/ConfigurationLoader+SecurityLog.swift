import Yams

extension ConfigurationLoader {
    /// `security_log`: the path (a plain value, as before), or a mapping of `path`,
    /// `repeat_after`, `repeat_interval`, `max_lines_per_second` and `max_sources`.
    static func readSecurityLog(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        if case .scalar = node {
            configuration.securityLogPath = try reader.string(node, key: "security_log")
            return
        }
        for (key, value) in try reader.mapping(node, key: "security_log") {
            let path = "security_log." + key
            switch key {
            case "path": configuration.securityLogPath = try reader.string(value, key: path)
            case "repeat_after": configuration.securityLogLimits.repeatAfter = Int(try reader.integer(value, key: path, range: 0...1_000_000))
            case "repeat_interval": configuration.securityLogLimits.repeatInterval = try reader.integer(value, key: path, range: 1...86_400)
            case "max_lines_per_second":
                configuration.securityLogLimits.maxLinesPerSecond = Int(try reader.integer(value, key: path, range: 0...10_000_000))
            case "max_sources": configuration.securityLogLimits.maxSources = Int(try reader.integer(value, key: path, range: 16...10_000_000))
            default:
                throw reader.unknownKey(path, known: ["path", "repeat_after", "repeat_interval", "max_lines_per_second", "max_sources"].map { "security_log." + $0 })
            }
        }
    }
}
