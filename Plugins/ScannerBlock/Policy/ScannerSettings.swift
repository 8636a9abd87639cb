import SIPWardenPolicy

/// The scanner plugin's settings: the `settings:` of rules/policies/scanner.yaml, where every
/// key and its default is explained for operators.
struct ScannerSettings: Sendable, Equatable {
    /// The User-Agents of known scanners.
    var userAgents: [UserAgentPattern]
    /// How long a scanner is banned.
    var banSeconds: Int
    /// Distinct usernames from one address within `sweepWindow` that make an extension sweep
    /// (0: sweep detection off).
    var sweepUsernames: Int
    /// The span of a sweep.
    var sweepWindowMilliseconds: Int64
    /// The event kinds that count toward a sweep.
    var sweepKinds: Set<String>
    /// Whether an address holding live bindings may be banned (default: no, an alert instead).
    var banRegisteredSources: Bool
    /// Addresses tracked at most, for sweep detection and (apart) for malformed traffic.
    var maxTrackedSources: Int
    /// Malformed messages from one address within `malformedWindow` that ban it (0: off).
    var malformedLimit: Int
    /// The span in which `malformedLimit` must fall.
    var malformedWindowMilliseconds: Int64
    /// How long a source of malformed traffic is banned.
    var malformedBanSeconds: Int
    /// The event kinds that count as malformed traffic.
    var malformedKinds: Set<String>

    /// Known scanners' User-Agents. Deliberately absent: `sipsak` and `SIPp` (operators' own
    /// test tools), `Asterisk PBX`, `FreeSWITCH` and SDK names such as `PortSIP VoIP SDK`
    /// (real equipment and apps; scanners forge them too, but banning them would cut phones off).
    static let defaultUserAgents = [
        "friendly-scanner", "sipvicious", "sip-scan", "sipscan", "sipcli", "sipptk", "VaxSIPUserAgent", "sundayddr",
        "pplsip", "iWar", "SIVuS", "smap",
    ]

    /// Every key the settings accept.
    static let keys = [
        "user_agents", "match", "ban_time", "sweep_usernames", "sweep_window", "sweep_kinds", "ban_registered_sources",
        "max_tracked_sources", "malformed_limit", "malformed_window", "malformed_ban_time", "malformed_kinds",
    ]

    /// The `match` modes: a pattern must be a whole word, or may be part of a longer one.
    static let matchModes = ["word", "substring"]

    /// The event kinds counted as malformed traffic by default.
    static let defaultMalformedKinds = [SecurityEventKind.requestMalformed, SecurityEventKind.transportJunk]

    /// Reads and checks the settings; errors name the file, key and value.
    init(_ configuration: PolicyConfiguration) throws(PolicyConfigurationError) {
        try configuration.rejectUnknownKeys(Self.keys)
        let match = try configuration.choice("match", default: "word", allowed: Self.matchModes)
        var patterns: [UserAgentPattern] = []
        for text in try configuration.strings("user_agents", default: Self.defaultUserAgents) {
            guard let pattern = UserAgentPattern(text, wholeWord: match == "word") else {
                throw PolicyConfigurationError(
                    file: configuration.file, key: "user_agents", value: text,
                    message: "an empty pattern would match every User-Agent")
            }
            patterns.append(pattern)
        }
        userAgents = patterns
        let ban = try configuration.duration("ban_time", default: 86_400)
        guard (1...(365 * 86_400)).contains(ban) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "ban_time", value: configuration.values["ban_time"]?.description ?? "\(ban)",
                message: "expected a duration from 1s to 365d")
        }
        banSeconds = ban
        sweepUsernames = try configuration.int("sweep_usernames", default: 10, range: 0...100_000)
        if sweepUsernames == 1 {
            throw PolicyConfigurationError(
                file: configuration.file, key: "sweep_usernames", value: "1",
                message: "one username is no sweep; use 0 to turn sweep detection off, or 2 or more")
        }
        let window = try configuration.duration("sweep_window", default: 120)
        guard (1...86_400).contains(window) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "sweep_window",
                value: configuration.values["sweep_window"]?.description ?? "\(window)",
                message: "expected a duration from 1s to 1d")
        }
        sweepWindowMilliseconds = Int64(window) * 1000
        sweepKinds = Set(try configuration.eventKinds("sweep_kinds", default: [SecurityEventKind.authUnknownUser]))
        banRegisteredSources = try configuration.bool("ban_registered_sources", default: false)
        maxTrackedSources = try configuration.int("max_tracked_sources", default: 10_000, range: 1024...100_000_000)
        malformedLimit = try configuration.int("malformed_limit", default: 20, range: 0...1000)
        malformedWindowMilliseconds = Int64(try Self.duration(configuration, "malformed_window", default: 60, upTo: (86_400, "1d"))) * 1000
        malformedBanSeconds = try Self.duration(configuration, "malformed_ban_time", default: 3600, upTo: (365 * 86_400, "365d"))
        malformedKinds = Set(try configuration.eventKinds("malformed_kinds", default: Self.defaultMalformedKinds))
    }

    /// A duration from 1s to `limit` (seconds, and as written in the error message).
    static func duration(
        _ configuration: PolicyConfiguration, _ key: String, default fallback: Int, upTo limit: (seconds: Int, text: String)
    ) throws(PolicyConfigurationError) -> Int {
        let seconds = try configuration.duration(key, default: fallback)
        guard (1...limit.seconds).contains(seconds) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: key, value: configuration.values[key]?.description ?? "\(seconds)",
                message: "expected a duration from 1s to \(limit.text)")
        }
        return seconds
    }
}
