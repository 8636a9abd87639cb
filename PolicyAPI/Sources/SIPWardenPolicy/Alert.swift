/// A plugin's alert for the operator (an `alert.raised` event and a security-log line).
///
/// JSON: `{"severity":"warning","message":"...","evidence":[...]}`; `evidence` may be missing.
public struct Alert: Hashable, Sendable, Codable {
    /// The severities an alert may have.
    public static let severities = ["info", "warning", "critical"]

    /// "info", "warning" or "critical".
    public var severity: String
    /// What happened, for a human.
    public var message: String
    /// The events behind the alert.
    public var evidence: [SecurityEvent]

    /// Creates an alert.
    public init(severity: String, message: String, evidence: [SecurityEvent] = []) {
        self.severity = severity
        self.message = message
        self.evidence = evidence
    }

    /// Decodes an alert; `severity` must be one of ``severities``, `evidence` may be missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        severity = try c.decode(String.self, forKey: .severity)
        guard Self.severities.contains(severity) else {
            throw DecodingError.dataCorruptedError(
                forKey: .severity, in: c, debugDescription: "severity '\(severity)' is not one of info, warning, critical")
        }
        message = try c.decode(String.self, forKey: .message)
        evidence = try c.decodeIfPresent([SecurityEvent].self, forKey: .evidence) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case severity, message, evidence
    }
}
