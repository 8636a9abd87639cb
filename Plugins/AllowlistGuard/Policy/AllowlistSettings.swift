import SIPWardenPolicy

/// The allowlist plugin's settings: the `settings:` of rules/policies/allowlist.yaml, where
/// every key and its default is explained for operators.
struct AllowlistSettings: Sendable, Equatable {
    /// Whether REGISTERs from outside a phone's allowed ranges are refused (false: only logged,
    /// to try allowlists out before enforcing them).
    var enforce: Bool
    /// The SIP status of a refusal.
    var status: Int
    /// Its reason phrase.
    var reason: String
    /// Denials of one address within `window` that ban it (0: never ban).
    var maxDenials: Int
    /// The span in which `maxDenials` must fall.
    var windowMilliseconds: Int64
    /// How long such a ban lasts.
    var banSeconds: Int
    /// The event kinds counted as denials.
    var denialKinds: Set<String>
    /// Whether an address holding live bindings may be banned (default: no, an alert instead).
    var banRegisteredSources: Bool
    /// Addresses tracked at most.
    var maxTrackedSources: Int

    /// Every key the settings accept.
    static let keys = [
        "enforce", "status", "reason", "max_denials", "window", "ban_time", "denial_kinds", "ban_registered_sources",
        "max_tracked_sources",
    ]

    /// Reads and checks the settings; errors name the file, key and value.
    init(_ configuration: PolicyConfiguration) throws(PolicyConfigurationError) {
        try configuration.rejectUnknownKeys(Self.keys)
        enforce = try configuration.bool("enforce", default: true)
        status = try configuration.int("status", default: 403, range: 400...699)
        reason = try configuration.string("reason", default: "Source not allowed")
        guard !reason.isEmpty, reason.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "reason", value: reason,
                message: "expected a reason phrase of printable characters, without line breaks")
        }
        maxDenials = try configuration.int("max_denials", default: 5, range: 0...100_000)
        let window = try configuration.duration("window", default: 600)
        guard (1...(7 * 86_400)).contains(window) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "window", value: configuration.values["window"]?.description ?? "\(window)",
                message: "expected a duration from 1s to 7d")
        }
        windowMilliseconds = Int64(window) * 1000
        banSeconds = try configuration.duration("ban_time", default: 3600)
        guard (1...(365 * 86_400)).contains(banSeconds) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "ban_time",
                value: configuration.values["ban_time"]?.description ?? "\(banSeconds)",
                message: "expected a duration from 1s to 365d")
        }
        denialKinds = Set(try configuration.eventKinds("denial_kinds", default: [SecurityEventKind.aclDenied]))
        banRegisteredSources = try configuration.bool("ban_registered_sources", default: false)
        maxTrackedSources = try configuration.int("max_tracked_sources", default: 20_000, range: 1024...100_000_000)
    }
}
