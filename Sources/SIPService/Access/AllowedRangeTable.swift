import Registrar
import SIPWardenPolicy
import Store

/// Every phone's allowed ranges, parsed, keyed by the subscriber they belong to.
///
/// A value type kept inside the SIP service's state, so the REGISTER path reads it under the
/// lock it already holds and a change made through the control API applies to the next packet.
struct AllowedRangeTable: Sendable {
    /// One rule: a range and, optionally, the only source port it allows.
    struct Rule: Hashable, Sendable {
        var range: IPRange
        var port: Int?
    }

    private struct Key: Hashable {
        var username: String
        var domain: String
    }

    private var rules: [Key: [Rule]] = [:]

    /// An empty table.
    init() {}

    /// A table of the stored rules (rows whose range does not parse are skipped).
    init(_ stored: [StoredAllowedRange]) {
        for row in stored {
            guard let range = IPRange(row.cidr) else { continue }
            rules[Self.key(row.username, row.domain), default: []].append(Rule(range: range, port: row.port))
        }
    }

    /// The rules of the subscriber with this username and domain (nil: any domain).
    func rules(username: String, domain: String?) -> [Rule] { rules[Self.key(username, domain)] ?? [] }

    /// Replaces the rules of one subscriber.
    mutating func set(_ list: [Rule], username: String, domain: String?) {
        rules[Self.key(username, domain)] = list.isEmpty ? nil : list
    }

    /// What the subscriber's rules say about `source`.
    func access(of subscriber: Subscriber, from source: SourceAddress) -> SourceAccess {
        if rules.isEmpty { return .noRules }  // most deployments: no per-phone rules, no key built
        let list = rules(username: subscriber.username, domain: subscriber.domain)
        guard !list.isEmpty else { return .noRules }
        return SourceAccess(sourcePort: source.port, rules: list.lazy.map { (holdsAddress: $0.range.contains(source.address), port: $0.port) })
    }

    private static func key(_ username: String, _ domain: String?) -> Key {
        Key(username: username, domain: (domain ?? "").lowercased())
    }
}
