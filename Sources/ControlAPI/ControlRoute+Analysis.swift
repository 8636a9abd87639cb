/// The issue-13 device, country and alert routes: their methods, targets and matching.
extension ControlRoute {
    /// The method of an analysis route, nil for the others.
    var analysisMethod: String? {
        switch self {
        case .analysisDevices, .analysisGeo, .alerts: return "GET"
        default: return nil
        }
    }

    /// The target of an analysis route, nil for the others.
    var analysisTarget: String? {
        switch self {
        case .analysisDevices(let query): return "/v1/analysis/devices" + query.queryString
        case .analysisGeo(let query): return "/v1/analysis/geo" + query.queryString
        case .alerts(let query): return "/v1/alerts" + query.queryString
        default: return nil
        }
    }

    /// Matches `/v1/analysis/devices`, `/v1/analysis/geo` and `/v1/alerts`; nil lets the other routes try.
    static func matchAnalysis(
        _ rest: [String], query: [String: String], pick: ([String: ControlRoute]) -> ControlRouteMatch
    ) -> ControlRouteMatch? {
        let make: (AnalysisQuery) -> ControlRoute
        switch (rest.count, rest.first, rest.last) {
        case (2, "analysis", "devices"): make = { .analysisDevices($0) }
        case (2, "analysis", "geo"): make = { .analysisGeo($0) }
        case (1, "alerts", _): make = { .alerts($0) }
        default: return nil
        }
        switch AnalysisQuery.parse(query) {
        case .failure(let problem): return .badRequest(problem.message)
        case .success(let parsed):
            if parsed.step != nil { return .badRequest("step is for /v1/analysis/trend only") }
            return pick(["GET": make(parsed)])
        }
    }
}
