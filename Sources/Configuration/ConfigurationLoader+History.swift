import Foundation
import History
import Yams

extension ConfigurationLoader {
    /// `history.*`: enabled, retention, rollup_retention, max_size, queue_size.
    static func readHistory(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "history") {
            let path = "history." + key
            switch key {
            case "enabled": configuration.history.enabled = try reader.bool(value, key: path)
            case "retention": configuration.history.retentionSeconds = try span(value, key: path, reader: reader)
            case "rollup_retention": configuration.history.rollupRetentionSeconds = try span(value, key: path, reader: reader)
            case "max_size": configuration.history.maxSizeBytes = try size(value, key: path, reader: reader)
            case "queue_size": configuration.history.queueCapacity = Int(try reader.integer(value, key: path, range: 1024...10_000_000))
            default:
                throw reader.unknownKey(path, known: ["enabled", "retention", "rollup_retention", "max_size", "queue_size"].map { "history." + $0 })
            }
        }
        if configuration.history.rollupRetentionSeconds < configuration.history.retentionSeconds {
            throw reader.error(
                "history.rollup_retention", "\(configuration.history.rollupRetentionSeconds)s",
                "is shorter than history.retention (\(configuration.history.retentionSeconds)s); rollups are meant to outlive the raw events")
        }
    }

    /// A span of time: whole seconds, or a number with s, m, h, d or w ("30d", "12h"); at least an hour.
    private static func span(_ node: Node, key: String, reader: Reader) throws -> Int64 {
        let text = try reader.string(node, key: key).trimmingCharacters(in: .whitespaces)
        let multipliers: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var number = Substring(text)
        var multiplier: Int64 = 1
        if let last = text.last, let unit = multipliers[last] {
            number = text.dropLast()
            multiplier = unit
        }
        guard let count = Int64(number), count > 0, count <= 100 * 366 * 86_400 / multiplier, count * multiplier >= 3600 else {
            throw reader.error(key, text, "expected a span of at least an hour: whole seconds, or a number with s, m, h, d or w, such as 30d or 12h")
        }
        return count * multiplier
    }

    /// A size: whole bytes, or a number with KiB, MiB, GiB (or K, M, G, also powers of 1024); at least 1 MiB.
    private static func size(_ node: Node, key: String, reader: Reader) throws -> Int64 {
        let text = try reader.string(node, key: key).trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40)]
        var number = text
        var multiplier: Int64 = 1
        for (suffix, value) in units where text.hasSuffix(suffix) {
            number = String(text.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            multiplier = value
            break
        }
        guard let count = Int64(number), count > 0, count <= Int64.max / multiplier, count * multiplier >= 1 << 20 else {
            throw reader.error(key, text, "expected a size of at least 1 MiB: whole bytes, or a number with KiB, MiB, GiB or TiB, such as 1GiB or 500MiB")
        }
        return count * multiplier
    }
}
