import Foundation

/// The filters of `GET /v1/history` (`sipwardenctl history`): every filter given must hold
/// (they combine with AND); the answer is newest first.
///
/// | query parameter | meaning |
/// |---|---|
/// | `aor` | the address of record, exactly (`sip:1001@example.com`) |
/// | `number` | the AOR's user part or the digest username, exactly |
/// | `ip` | an address or CIDR range the event's source lies in |
/// | `account` | the subscriber's account tag, as it was when the event was recorded |
/// | `kind` | event kinds, comma-separated (`register.accepted,auth.failed`); a kind ending in `.*` takes the family (`register.*`) |
/// | `since`, `until` | RFC 3339 times or spans before now (`2h`, `7d`, `30m`): `HistoryTime` |
/// | `limit` | at most this many events (default 100, at most 100,000) |
public struct HistoryQuery: Hashable, Sendable {
    /// The default `limit`.
    public static let defaultLimit = 100
    /// The largest `limit`.
    public static let maxLimit = 100_000

    /// The AOR, exactly.
    public var aor: String?
    /// The AOR's user part or the digest username, exactly.
    public var number: String?
    /// An address or CIDR range (`IPNetwork`) the source lies in.
    public var ip: String?
    /// The account tag.
    public var account: String?
    /// Kinds, exact or a family ending in ".*"; empty: every kind.
    public var kinds: [String]
    /// The earliest time (`HistoryTime`).
    public var since: String?
    /// The latest time (`HistoryTime`).
    public var until: String?
    /// At most this many events; nil: `defaultLimit`.
    public var limit: Int?

    /// A query; with no arguments, the latest `defaultLimit` events.
    public init(
        aor: String? = nil, number: String? = nil, ip: String? = nil, account: String? = nil, kinds: [String] = [],
        since: String? = nil, until: String? = nil, limit: Int? = nil
    ) {
        self.aor = aor
        self.number = number
        self.ip = ip
        self.account = account
        self.kinds = kinds
        self.since = since
        self.until = until
        self.limit = limit
    }

    /// The query's parameters, in a fixed order, for a request target.
    public var parameters: [(String, String)] {
        var items: [(String, String)] = []
        if let aor { items.append(("aor", aor)) }
        if let number { items.append(("number", number)) }
        if let ip { items.append(("ip", ip)) }
        if let account { items.append(("account", account)) }
        if !kinds.isEmpty { items.append(("kind", kinds.joined(separator: ","))) }
        if let since { items.append(("since", since)) }
        if let until { items.append(("until", until)) }
        if let limit { items.append(("limit", String(limit))) }
        return items
    }

    /// Reads a query from request parameters; the error says what was wrong and what to type.
    public static func parse(_ parameters: [String: String]) -> Result<HistoryQuery, HistoryQueryProblem> {
        var query = HistoryQuery()
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            switch name {
            case "aor", "number", "account":
                guard !value.isEmpty else { return .failure(.init("\(name): give a value, or leave the parameter out")) }
                if name == "aor" { query.aor = value } else if name == "number" { query.number = value } else { query.account = value }
            case "ip":
                if let problem = IPNetwork.problem(value) { return .failure(.init("ip: \(problem)")) }
                query.ip = value
            case "kind":
                let kinds = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !kinds.isEmpty else { return .failure(.init("kind: give event kinds such as register.accepted or register.*")) }
                query.kinds = kinds
            case "since", "until":
                if let problem = HistoryTime.problem(value) { return .failure(.init("\(name): \(problem)")) }
                if name == "since" { query.since = value } else { query.until = value }
            case "limit":
                guard let limit = Int(value), (1...maxLimit).contains(limit) else {
                    return .failure(.init("limit '\(value)': give a whole number from 1 to \(maxLimit)"))
                }
                query.limit = limit
            default:
                return .failure(.init("unknown query parameter '\(name)'; known: aor, number, ip, account, kind, since, until, limit"))
            }
        }
        return .success(query)
    }
}

/// Why a history or analysis query was refused: a message naming the parameter and what to type.
public struct HistoryQueryProblem: Error, Hashable, Sendable {
    /// What was wrong and what to type.
    public var message: String
    /// Creates a problem.
    public init(_ message: String) { self.message = message }
}
