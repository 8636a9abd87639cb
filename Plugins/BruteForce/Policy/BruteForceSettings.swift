import SIPWardenPolicy

/// The bruteforce plugin's settings: the `settings:` of rules/policies/bruteforce.yaml, where
/// every key and its default is explained for operators.
struct BruteForceSettings: Sendable, Equatable {
    /// Failures from one address within `window` that ban it.
    var maxFailures: Int
    /// The span in which `maxFailures` must fall.
    var windowMilliseconds: Int64
    /// The event kinds that count as an authentication failure.
    var failureKinds: Set<String>
    /// The first ban's length.
    var banSeconds: Int
    /// Each further offence multiplies the ban by this.
    var banMultiplier: Double
    /// The longest ban escalation reaches.
    var maxBanSeconds: Int
    /// How long after its last ban ended an address's offences are remembered.
    var rememberOffencesMilliseconds: Int64
    /// Whether failures against one account from many addresses are detected.
    var sprayDetection: Bool
    /// Distinct addresses failing against one account within `sprayWindow` that make a spray.
    var sprayAddresses: Int
    /// The span of a spray.
    var sprayWindowMilliseconds: Int64
    /// How long a successful registration of an account from an address exempts that address
    /// from counting failures against that account.
    var rememberRegistrationsMilliseconds: Int64
    /// Whether an address holding live bindings may be banned (default: no, an alert instead).
    var banRegisteredSources: Bool
    /// Events kept per address as the evidence of its ban.
    var evidenceEvents: Int
    /// Addresses tracked at most.
    var maxTrackedSources: Int
    /// Accounts tracked at most (for spray detection).
    var maxTrackedAccounts: Int

    /// Every key the settings accept.
    static let keys = [
        "max_failures", "window", "failure_kinds", "ban_time", "ban_multiplier", "max_ban_time", "remember_offences",
        "spray_detection", "spray_addresses", "spray_window", "remember_registrations", "ban_registered_sources",
        "evidence_events", "max_tracked_sources", "max_tracked_accounts",
    ]

    /// Reads and checks the settings; errors name the file, key and value.
    init(_ configuration: PolicyConfiguration) throws(PolicyConfigurationError) {
        try configuration.rejectUnknownKeys(Self.keys)
        maxFailures = try configuration.int("max_failures", default: 10, range: 1...100_000)
        windowMilliseconds = try Self.milliseconds(configuration, "window", default: 600, from: 1)
        failureKinds = Set(try configuration.eventKinds(
            "failure_kinds", default: [SecurityEventKind.authFailed, SecurityEventKind.authUnknownUser, SecurityEventKind.consoleLoginFailed]))
        banSeconds = try Self.seconds(configuration, "ban_time", default: 900, from: 1)
        banMultiplier = try configuration.double("ban_multiplier", default: 4, range: 1...1000)
        maxBanSeconds = try Self.seconds(configuration, "max_ban_time", default: 7 * 86_400, from: 1)
        guard maxBanSeconds >= banSeconds else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "max_ban_time",
                value: configuration.values["max_ban_time"]?.description ?? "\(maxBanSeconds)",
                message: "must be at least ban_time (\(banSeconds)s)")
        }
        rememberOffencesMilliseconds = try Self.milliseconds(configuration, "remember_offences", default: 86_400, from: 0)
        sprayDetection = try configuration.bool("spray_detection", default: true)
        sprayAddresses = try configuration.int("spray_addresses", default: 5, range: 2...100_000)
        sprayWindowMilliseconds = try Self.milliseconds(configuration, "spray_window", default: 3600, from: 1)
        rememberRegistrationsMilliseconds = try Self.milliseconds(
            configuration, "remember_registrations", default: 86_400, from: 0)
        banRegisteredSources = try configuration.bool("ban_registered_sources", default: false)
        evidenceEvents = try configuration.int("evidence_events", default: 10, range: 1...1000)
        maxTrackedSources = try configuration.int("max_tracked_sources", default: 20_000, range: 1024...100_000_000)
        maxTrackedAccounts = try configuration.int("max_tracked_accounts", default: 10_000, range: 1024...100_000_000)
    }

    /// A duration in seconds from `minimum` to a year.
    static func seconds(
        _ configuration: PolicyConfiguration, _ key: String, default fallback: Int, from minimum: Int
    ) throws(PolicyConfigurationError) -> Int {
        let seconds = try configuration.duration(key, default: fallback)
        let year = 365 * 86_400
        guard (minimum...year).contains(seconds) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: key, value: configuration.values[key]?.description ?? "\(seconds)",
                message: "expected a duration from \(minimum)s to 365d")
        }
        return seconds
    }

    /// A duration in milliseconds from `minimum` seconds to a year.
    static func milliseconds(
        _ configuration: PolicyConfiguration, _ key: String, default fallback: Int, from minimum: Int
    ) throws(PolicyConfigurationError) -> Int64 {
        Int64(try seconds(configuration, key, default: fallback, from: minimum)) * 1000
    }
}
