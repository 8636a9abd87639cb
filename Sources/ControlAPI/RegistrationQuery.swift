import Foundation

/// The filters and order of `GET /v1/registrations` (`sipwardenctl registrations list`):
/// every filter given must hold (they combine with AND); with none, every live binding.
///
/// | query parameter | meaning |
/// |---|---|
/// | `number` | the AOR's user part, exactly (`1001`) or by prefix (`100*`) |
/// | `ip` | an address or CIDR range matched against the source and the contact host |
/// | `account` | the subscriber's account tag, exactly |
/// | `status` | `registered`, `unreachable`, `expired`, `live` (registered or unreachable, the default) or `all` |
/// | `ua` | a substring of the User-Agent, case-insensitive |
/// | `nat` | `true` or `false` |
/// | `sort` | a column (a JSON key of `RegistrationInfo`, or `number`); `-column` sorts descending |
///
/// Filtering happens in the daemon so every client (the CLI, a web console) gets the same rows.
public struct RegistrationQuery: Hashable, Sendable {
    /// The user part, exact or a prefix ending in `*`.
    public var number: String?
    /// An address or CIDR range (`IPNetwork`).
    public var ip: String?
    /// The account tag.
    public var account: String?
    /// Which statuses to list (`RegistrationStatusFilter`); nil means `live`.
    public var status: RegistrationStatusFilter?
    /// A User-Agent substring.
    public var userAgent: String?
    /// Only NATed (true) or only direct (false) bindings.
    public var nat: Bool?
    /// The column to sort by, as `RegistrationSortColumn` names it.
    public var sort: RegistrationSortColumn?
    /// Whether to sort descending.
    public var descending: Bool

    /// A query; with no arguments, every live binding ordered by AOR and contact.
    public init(
        number: String? = nil, ip: String? = nil, account: String? = nil, status: RegistrationStatusFilter? = nil,
        userAgent: String? = nil, nat: Bool? = nil, sort: RegistrationSortColumn? = nil, descending: Bool = false
    ) {
        self.number = number
        self.ip = ip
        self.account = account
        self.status = status
        self.userAgent = userAgent
        self.nat = nat
        self.sort = sort
        self.descending = descending
    }

    /// The query's parameters, in a fixed order, for a request target.
    public var parameters: [(String, String)] {
        var items: [(String, String)] = []
        if let number { items.append(("number", number)) }
        if let ip { items.append(("ip", ip)) }
        if let account { items.append(("account", account)) }
        if let status { items.append(("status", status.rawValue)) }
        if let userAgent { items.append(("ua", userAgent)) }
        if let nat { items.append(("nat", nat ? "true" : "false")) }
        if let sort { items.append(("sort", (descending ? "-" : "") + sort.rawValue)) }
        return items
    }

    /// Reads a query from request parameters; the error message says what was wrong and what to type.
    public static func parse(_ parameters: [String: String]) -> Result<RegistrationQuery, RegistrationQueryProblem> {
        var query = RegistrationQuery()
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            switch name {
            case "number":
                guard !value.isEmpty, !value.dropLast().contains("*") else {
                    return .failure(.init("number '\(value)': give a user part such as 1001, or a prefix ending in * such as 100*"))
                }
                query.number = value
            case "ip":
                if let problem = IPNetwork.problem(value) { return .failure(.init("ip: \(problem)")) }
                query.ip = value
            case "account":
                guard !value.isEmpty else { return .failure(.init("account: give the account tag, such as acme")) }
                query.account = value
            case "status":
                guard let status = RegistrationStatusFilter(rawValue: value) else {
                    return .failure(.init("status '\(value)': give one of \(RegistrationStatusFilter.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                query.status = status
            case "ua":
                guard !value.isEmpty else { return .failure(.init("ua: give part of a User-Agent, such as Yealink")) }
                query.userAgent = value
            case "nat":
                switch value.lowercased() {
                case "true", "yes", "1", "": query.nat = true
                case "false", "no", "0": query.nat = false
                default: return .failure(.init("nat '\(value)': give true or false"))
                }
            case "sort":
                let descending = value.hasPrefix("-")
                let name = descending ? String(value.dropFirst()) : value
                guard let column = RegistrationSortColumn(named: name) else {
                    return .failure(.init("sort '\(value)': give one of \(RegistrationSortColumn.allCases.map(\.rawValue).joined(separator: ", ")), with a leading - to reverse"))
                }
                query.sort = column
                query.descending = descending
            default:
                return .failure(.init("unknown query parameter '\(name)'; known: number, ip, account, status, ua, nat, sort"))
            }
        }
        return .success(query)
    }

    /// Whether `row` passes every filter.
    public func matches(_ row: some RegistrationRowFields) -> Bool {
        Filter(self).matches(row)
    }

    /// The rows that match, in the query's order (AOR, then contact, when no sort is given;
    /// ties on the sort column fall back to that order too).
    public func apply(_ rows: [RegistrationInfo]) -> [RegistrationInfo] {
        select(rows, offset: 0, limit: .max).rows
    }

    /// How many rows match, and the `limit` of them from `offset` on in the query's order
    /// (`apply`'s order). Each row's sort value is computed once, and when the page is a
    /// small part of the matches only the first `offset + limit` are ordered (a bounded heap),
    /// so a page of 100 out of 100,000 costs one pass, not a full sort.
    public func select<Row: RegistrationRowFields>(_ rows: [Row], offset: Int, limit: Int) -> (total: Int, rows: [Row]) {
        let filter = Filter(self)
        let column = sort
        var ranked: [Ranked] = []
        for (index, row) in rows.enumerated() where filter.matches(row) {
            ranked.append(Ranked(key: column.map { $0.key(of: row) } ?? .absent, aor: row.aor, contact: row.contact,
                                 status: row.status.rawValue, index: index, descending: descending))
        }
        return (ranked.count, OrderedSelection.page(of: ranked, offset: offset, limit: limit).map { rows[$0.index] })
    }

    /// The filters, with the range parsed once.
    private struct Filter {
        let query: RegistrationQuery
        let network: IPNetwork?

        init(_ query: RegistrationQuery) {
            self.query = query
            self.network = query.ip.flatMap(IPNetwork.init)
        }

        func matches(_ row: some RegistrationRowFields) -> Bool {
            if !(query.status ?? .live).includes(row.status) { return false }
            if let number = query.number {
                let user = RegistrationQuery.userPart(of: row.aor)
                if number.hasSuffix("*") {
                    if !user.hasPrefix(number.dropLast()) { return false }
                } else if user != number {
                    return false
                }
            }
            if let network {
                if !network.contains(row.sourceIP) && !network.contains(IPNetwork.host(of: row.contact)) { return false }
            }
            if let account = query.account, row.account != account { return false }
            if let userAgent = query.userAgent {
                guard let agent = row.userAgent, agent.range(of: userAgent, options: .caseInsensitive) != nil else { return false }
            }
            if let nat = query.nat, row.nat != nat { return false }
            return true
        }
    }

    /// A matching row's place in the order: the sort value, then AOR, contact and status.
    private struct Ranked: Comparable {
        let key: RegistrationSortKey
        let aor: String
        let contact: String
        let status: String
        let index: Int
        let descending: Bool

        static func < (a: Ranked, b: Ranked) -> Bool {
            if a.key != b.key { return a.descending ? b.key < a.key : a.key < b.key }
            return (a.aor, a.contact, a.status) < (b.aor, b.contact, b.status)
        }

        static func == (a: Ranked, b: Ranked) -> Bool {
            a.key == b.key && a.aor == b.aor && a.contact == b.contact && a.status == b.status
        }
    }

    /// The user part of "sip:user@domain" ("" when there is none).
    public static func userPart(of aor: String) -> String {
        var text = Substring(aor)
        if let colon = text.firstIndex(of: ":") { text = text[text.index(after: colon)...] }
        guard let at = text.firstIndex(of: "@") else { return "" }
        return String(text[..<at])
    }
}

/// Which bindings `status=` selects.
public enum RegistrationStatusFilter: String, CaseIterable, Hashable, Sendable {
    /// Live and answering (or not probed).
    case registered
    /// Live but missing keepalives.
    case unreachable
    /// Recently lapsed, removed as unreachable, or forced out.
    case expired
    /// Registered or unreachable: every live binding (the default).
    case live
    /// Everything, expired included.
    case all

    /// Whether a row with `status` is selected.
    public func includes(_ status: RegistrationStatus) -> Bool {
        switch self {
        case .registered: return status == .registered
        case .unreachable: return status == .unreachable
        case .expired: return status == .expired
        case .live: return status != .expired
        case .all: return true
        }
    }
}

/// A filter value that could not be used: the message says what was wrong and what to type.
public struct RegistrationQueryProblem: Error, Hashable, Sendable {
    /// The message.
    public var message: String

    /// Creates a problem.
    public init(_ message: String) { self.message = message }
}
