import ControlAPI

/// The issue-13 device, country and alert routes: call the service, encode. A window the
/// history cannot read (`HistoryQueryProblem`) is a 400.
extension ControlDispatcher {
    func performAnalysis(_ route: ControlRoute) async throws -> ControlReply {
        do {
            switch route {
            case .analysisDevices(let query): return try Self.ok(200, await service.devices(query))
            case .analysisGeo(let query): return try Self.ok(200, await service.geo(query))
            case .alerts(let query): return try Self.ok(200, await service.alerts(query))
            default: return Self.error(404, "no such endpoint: \(route.summary)")
            }
        } catch let problem as HistoryQueryProblem {
            throw RequestProblem(message: problem.message)
        }
    }
}
