import Foundation

/// The window of `GET /v1/analysis/*` (`sipwardenctl analysis trend|failures|...`).
///
/// | query parameter | meaning |
/// |---|---|
/// | `since`, `until` | RFC 3339 times or spans before now (`HistoryTime`); defaults per route (trend: 7d, failures: 24h), `until` now |
/// | `step` | trend only: `1m`, `1h` (default) or `1d` (`HistoryStep`) |
/// | `limit` | failures only: at most this many groups (default 1,000) |
public struct AnalysisQuery: Hashable, Sendable {
    /// The window's start (`HistoryTime`); nil: the route's default.
    public var since: String?
    /// The window's end (`HistoryTime`); nil: now.
    public var until: String?
    /// The trend's step; nil: one hour.
    public var step: HistoryStep?
    /// At most this many rows; nil: the route's default.
    public var limit: Int?

    /// A query with the routes' defaults.
    public init(since: String? = nil, until: String? = nil, step: HistoryStep? = nil, limit: Int? = nil) {
        self.since = since
        self.until = until
        self.step = step
        self.limit = limit
    }

    /// The query's parameters, in a fixed order, for a request target.
    public var parameters: [(String, String)] {
        var items: [(String, String)] = []
        if let since { items.append(("since", since)) }
        if let until { items.append(("until", until)) }
        if let step { items.append(("step", step.rawValue)) }
        if let limit { items.append(("limit", String(limit))) }
        return items
    }

    /// `?since=...&...`, or "" without parameters.
    public var queryString: String {
        let parameters = parameters
        guard !parameters.isEmpty else { return "" }
        return "?" + parameters.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
    }

    /// Reads a query from request parameters; the error says what was wrong and what to type.
    public static func parse(_ parameters: [String: String]) -> Result<AnalysisQuery, HistoryQueryProblem> {
        var query = AnalysisQuery()
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            switch name {
            case "since", "until":
                if let problem = HistoryTime.problem(value) { return .failure(.init("\(name): \(problem)")) }
                if name == "since" { query.since = value } else { query.until = value }
            case "step":
                guard let step = HistoryStep(rawValue: value) else {
                    return .failure(.init("step '\(value)': give one of \(HistoryStep.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                query.step = step
            case "limit":
                guard let limit = Int(value), (1...HistoryQuery.maxLimit).contains(limit) else {
                    return .failure(.init("limit '\(value)': give a whole number from 1 to \(HistoryQuery.maxLimit)"))
                }
                query.limit = limit
            default:
                return .failure(.init("unknown query parameter '\(name)'; known: since, until, step, limit"))
            }
        }
        return .success(query)
    }
}
