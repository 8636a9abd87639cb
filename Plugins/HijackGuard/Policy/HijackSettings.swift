import SIPWardenPolicy

/// The hijack plugin's settings: the `settings:` of rules/policies/hijack.yaml, where every key
/// and its default is explained for operators.
struct HijackSettings: Sendable, Equatable {
    /// The prefix length that makes two IPv4 addresses "the same network".
    var ipv4Prefix: Int
    /// The prefix length that makes two IPv6 addresses "the same network".
    var ipv6Prefix: Int
    /// Whether a REGISTER from a new network is refused (default: only reported).
    var refuse: Bool
    /// The SIP status of a refusal.
    var status: Int
    /// Its reason phrase.
    var reason: String
    /// Whether each report is accompanied by an alert.
    var alert: Bool
    /// The same AOR from the same new network is reported at most once in this span.
    var repeatAfterMilliseconds: Int64

    /// Every key the settings accept.
    static let keys = ["ipv4_prefix", "ipv6_prefix", "refuse", "status", "reason", "alert", "repeat_after"]

    /// Reads and checks the settings; errors name the file, key and value.
    init(_ configuration: PolicyConfiguration) throws(PolicyConfigurationError) {
        try configuration.rejectUnknownKeys(Self.keys)
        ipv4Prefix = try configuration.int("ipv4_prefix", default: 24, range: 1...32)
        ipv6Prefix = try configuration.int("ipv6_prefix", default: 64, range: 1...128)
        refuse = try configuration.bool("refuse", default: false)
        status = try configuration.int("status", default: 403, range: 400...699)
        reason = try configuration.string("reason", default: "Registration from a new network refused")
        guard !reason.isEmpty, reason.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "reason", value: reason,
                message: "expected a reason phrase of printable characters, without line breaks")
        }
        alert = try configuration.bool("alert", default: true)
        let repeatAfter = try configuration.duration("repeat_after", default: 3600)
        guard (0...(30 * 86_400)).contains(repeatAfter) else {
            throw PolicyConfigurationError(
                file: configuration.file, key: "repeat_after",
                value: configuration.values["repeat_after"]?.description ?? "\(repeatAfter)",
                message: "expected a duration from 0s to 30d")
        }
        repeatAfterMilliseconds = Int64(repeatAfter) * 1000
    }

    /// The network of `address` at the configured prefix length of its family.
    func network(of address: IPAddress) -> IPRange {
        IPRange(address: address, prefixLength: address.isIPv6 ? ipv6Prefix : ipv4Prefix)
    }
}
