/// The issue-13 history and analysis routes: their methods, targets and matching. New
/// `/v1/analysis/*` routes (devices, geo) add a case to `matchHistory`'s analysis switch.
extension ControlRoute {
    /// The method of a history route, nil for the others.
    var historyMethod: String? {
        switch self {
        case .history, .analysisTrend, .analysisFailures: return "GET"
        default: return nil
        }
    }

    /// The target of a history route, nil for the others.
    var historyTarget: String? {
        switch self {
        case .history(let query):
            let parameters = query.parameters
            guard !parameters.isEmpty else { return "/v1/history" }
            return "/v1/history?" + parameters.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
        case .analysisTrend(let query): return "/v1/analysis/trend" + query.queryString
        case .analysisFailures(let query): return "/v1/analysis/failures" + query.queryString
        default: return nil
        }
    }

    /// Matches the history paths; nil lets the other routes try.
    static func matchHistory(
        _ rest: [String], query: [String: String], pick: ([String: ControlRoute]) -> ControlRouteMatch
    ) -> ControlRouteMatch? {
        switch (rest.count, rest.first) {
        case (1, "history"):
            switch HistoryQuery.parse(query) {
            case .failure(let problem): return .badRequest(problem.message)
            case .success(let filters): return pick(["GET": .history(filters)])
            }
        case (2, "analysis"):
            let analysis: AnalysisQuery
            switch AnalysisQuery.parse(query) {
            case .failure(let problem): return .badRequest(problem.message)
            case .success(let parsed): analysis = parsed
            }
            switch rest[1] {
            case "trend": return pick(["GET": .analysisTrend(analysis)])
            case "failures": return pick(["GET": .analysisFailures(analysis)])
            default: return .notFound
            }
        default:
            return nil
        }
    }
}
