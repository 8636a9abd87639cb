/// The body of `POST /v1/bans`: ban an address or range for a while.
///
/// JSON keys: `target` (address or CIDR), `seconds` (how long), `reason`, and optionally
/// `source` (who asks; the daemon records "operator" when it is absent).
public struct BanAddRequest: Codable, Hashable, Sendable {
    /// The longest ban accepted, in seconds (ten years; bans always expire).
    public static let maximumSeconds = 10 * 365 * 86_400
    /// The longest reason or source accepted, in bytes.
    public static let maximumTextLength = 512
    /// The source recorded when the request names none.
    public static let defaultSource = "operator"

    /// The address or CIDR range to ban, e.g. "192.0.2.7" or "198.51.100.0/24".
    public var target: String
    /// How long the ban lasts, in seconds (1 ... `maximumSeconds`).
    public var seconds: Int
    /// Why, for the ban list and the security log.
    public var reason: String
    /// Who asks ("operator", "fail2ban sip-auth"); nil means "operator".
    public var source: String?

    /// Creates an add request.
    public init(target: String, seconds: Int, reason: String, source: String? = nil) {
        self.target = target
        self.seconds = seconds
        self.reason = reason
        self.source = source
    }

    /// The source to record: `source`, or "operator".
    public var effectiveSource: String { source ?? Self.defaultSource }

    /// What is wrong with this request, or nil when every field is acceptable.
    public func validationProblem() -> String? {
        if let problem = BanTarget.problem(target) { return problem }
        guard (1...Self.maximumSeconds).contains(seconds) else {
            return "the ban duration must be between 1 second and 10 years, not \(seconds) seconds"
        }
        if reason.trimmingBlanks().isEmpty { return "the reason is empty; say why the address is banned" }
        if let problem = Self.textProblem(reason, field: "reason") { return problem }
        if let source {
            if source.trimmingBlanks().isEmpty { return "the source is empty (leave it out for \"operator\")" }
            if let problem = Self.textProblem(source, field: "source") { return problem }
        }
        return nil
    }

    private static func textProblem(_ text: String, field: String) -> String? {
        if text.utf8.count > maximumTextLength { return "the \(field) is longer than \(maximumTextLength) bytes" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "the \(field) contains a control character"
        }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case target, seconds, reason, source
    }
}
