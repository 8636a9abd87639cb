import ControlAPI

/// The issue-13 history and analysis routes: call the service, encode. A query the store
/// cannot read (`HistoryQueryProblem`) is a 400.
extension ControlDispatcher {
    func performHistory(_ route: ControlRoute) async throws -> ControlReply {
        do {
            switch route {
            case .history(let query): return try Self.ok(200, await service.history(query))
            case .analysisTrend(let query): return try Self.ok(200, await service.trend(query))
            case .analysisFailures(let query): return try Self.ok(200, await service.failures(query))
            default: return Self.error(404, "no such endpoint: \(route.summary)")
            }
        } catch let problem as HistoryQueryProblem {
            throw RequestProblem(message: problem.message)
        }
    }
}
