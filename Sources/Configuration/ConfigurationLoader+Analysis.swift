import Alerts
import Foundation
import Yams

/// The issue-13 analysis keys: `alerts.*`, `geoip.*` and `analysis.*`.
extension ConfigurationLoader {
    static func readAlerts(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        var settings = configuration.alerts
        let known = ["enabled", "raise_after", "clear_after", "learning_rate", "min_samples", "time_zone", "webhook", "webhook_timeout",
                     "webhook_queue"] + AlertKind.allCases.map(\.rawValue)
        for (key, value) in try reader.mapping(node, key: "alerts") {
            let path = "alerts." + key
            switch key {
            case "enabled": settings.enabled = try reader.bool(value, key: path)
            case "raise_after": settings.raiseAfter = Int(try reader.integer(value, key: path, range: 1...1440))
            case "clear_after": settings.clearAfter = Int(try reader.integer(value, key: path, range: 1...1440))
            case "learning_rate": settings.learningRate = try number(value, key: path, range: 0.001...1, reader: reader)
            case "min_samples": settings.minSamples = Int(try reader.integer(value, key: path, range: 1...100_000))
            case "time_zone":
                let text = try reader.string(value, key: path)
                if text == "local" {
                    settings.timeZone = .current
                } else if let zone = TimeZone(identifier: text) {
                    settings.timeZone = zone
                } else {
                    throw reader.error(path, text, "expected local or a time zone name, e.g. UTC or Europe/Berlin")
                }
            case "webhook":
                let items: [Node]
                if case .scalar = value { items = [value] } else { items = try reader.sequence(value, key: path) }
                configuration.alertWebhooks = try items.enumerated().map { index, item in
                    let text = try reader.string(item, key: "\(path)[\(index)]")
                    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                          url.host?.isEmpty == false else {
                        throw reader.error("\(path)[\(index)]", text, "expected an http:// or https:// URL, e.g. https://hooks.example.com/sipwarden")
                    }
                    return url
                }
            case "webhook_timeout": configuration.alertWebhookTimeout = try number(value, key: path, range: 0.1...300, reader: reader)
            case "webhook_queue": configuration.alertWebhookQueue = Int(try reader.integer(value, key: path, range: 1...100_000))
            default:
                guard let kind = AlertKind(rawValue: key) else {
                    throw reader.unknownKey(path, known: known.map { "alerts." + $0 })
                }
                settings.setRule(try alertRule(value, key: path, base: settings.rule(kind), reader: reader), for: kind)
            }
        }
        configuration.alerts = settings
    }

    private static func alertRule(_ node: Node, key: String, base: AlertRule, reader: Reader) throws -> AlertRule {
        var rule = base
        for (field, value) in try reader.mapping(node, key: key) {
            let path = "\(key).\(field)"
            switch field {
            case "enabled": rule.enabled = try reader.bool(value, key: path)
            case "factor": rule.factor = try number(value, key: path, range: 0.1...100, reader: reader)
            case "percent": rule.percent = try number(value, key: path, range: 0...100_000, reader: reader)
            case "floor": rule.floor = try number(value, key: path, range: 0...1_000_000_000, reader: reader)
            default: throw reader.unknownKey(path, known: ["enabled", "factor", "percent", "floor"].map { "\(key).\($0)" })
            }
        }
        return rule
    }

    static func readGeoIP(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "geoip") {
            let path = "geoip." + key
            switch key {
            case "database":
                let text = try reader.string(value, key: path)
                guard !text.isEmpty else { throw reader.error(path, text, "expected the path of a .mmdb country database") }
                configuration.geoipDatabase = text
            default: throw reader.unknownKey(path, known: ["geoip.database"])
            }
        }
    }

    static func readAnalysis(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "analysis") {
            let path = "analysis." + key
            switch key {
            case "devices_file":
                let text = try reader.string(value, key: path)
                guard !text.isEmpty else { throw reader.error(path, text, "expected the path of a devices file like rules/devices.yaml") }
                configuration.devicesFile = text
            default: throw reader.unknownKey(path, known: ["analysis.devices_file"])
            }
        }
    }

    private static func number(_ node: Node, key: String, range: ClosedRange<Double>, reader: Reader) throws -> Double {
        let text = try reader.string(node, key: key)
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw reader.error(key, text, "expected a number from \(plain(range.lowerBound)) to \(plain(range.upperBound))")
        }
        return value
    }

    private static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}
