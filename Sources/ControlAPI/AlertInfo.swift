import Foundation

/// One alert event of `GET /v1/alerts?since=` (`sipwardenctl alerts --json`): the alert
/// engine's `alert.raised` / `alert.cleared` and the plugins' `alert.raised`, from the history.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `time` | string | RFC 3339 UTC |
/// | `event` | string | `alert.raised` or `alert.cleared` |
/// | `source` | string | who raised it: `alerts` (the alert engine) or a plugin's name |
/// | `severity` | string | `info`, `warning` or `critical` |
/// | `message` | string | what was seen and expected, e.g. `active bindings 412, expected 980 ± 60 (-58 %) since 14:02` |
public struct AlertInfo: Codable, Hashable, Sendable {
    /// When.
    public var time: Date
    /// `alert.raised` or `alert.cleared`.
    public var event: String
    /// The alert engine (`alerts`) or a plugin.
    public var source: String
    /// The severity.
    public var severity: String
    /// The message.
    public var message: String

    /// Creates an entry.
    public init(time: Date, event: String, source: String, severity: String, message: String) {
        self.time = time
        self.event = event
        self.source = source
        self.severity = severity
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case time, event, source, severity, message
    }

    /// Decodes an entry.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        time = try c.decodeRFC3339(.time)
        event = try c.decode(String.self, forKey: .event)
        source = try c.decode(String.self, forKey: .source)
        severity = try c.decode(String.self, forKey: .severity)
        message = try c.decode(String.self, forKey: .message)
    }

    /// Encodes an entry.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RFC3339.format(time), forKey: .time)
        try c.encode(event, forKey: .event)
        try c.encode(source, forKey: .source)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
    }

    /// Splits a `SEVERITY: MESSAGE` detail (the `alert.*` events' format); `info` when it has no known severity.
    public static func split(detail: String) -> (severity: String, message: String) {
        for severity in ["info", "warning", "critical"] where detail.hasPrefix(severity + ": ") {
            return (severity, String(detail.dropFirst(severity.count + 2)))
        }
        return ("info", detail)
    }
}
