import ControlAPI

/// The trunk routes: validate, call the service, encode.
extension ControlDispatcher {
    func performTrunk(_ route: ControlRoute, body: [UInt8]) async throws -> ControlReply {
        switch route {
        case .listTrunks:
            return try Self.ok(200, await service.trunks())
        case .addTrunk:
            let request = try Self.decode(TrunkAddRequest.self, from: body, route: route)
            if let problem = request.validationProblem() { throw RequestProblem(message: problem) }
            return try Self.ok(201, await service.addTrunk(request))
        case .showTrunk(let name):
            try Self.checkTrunkName(name)
            guard let info = try await service.trunk(named: name) else { return Self.unknownTrunk(name) }
            return try Self.ok(200, info)
        case .trunkCommand(let name, let command):
            try Self.checkTrunkName(name)
            guard let info = try await service.trunk(named: name, command) else { return Self.unknownTrunk(name) }
            return try Self.ok(200, info)
        case .removeTrunk(let name):
            try Self.checkTrunkName(name)
            guard try await service.removeTrunk(named: name) else { return Self.unknownTrunk(name) }
            return ControlReply(status: 204, body: [])
        default:
            return Self.error(404, "no such endpoint: \(route.summary)")
        }
    }

    private static func checkTrunkName(_ name: String) throws {
        if let problem = TrunkAddRequest.nameProblem(name) { throw RequestProblem(message: problem) }
    }

    private static func unknownTrunk(_ name: String) -> ControlReply {
        error(404, "no trunk named '\(name)'", hint: "see the trunks with 'sipwardenctl trunk list'")
    }
}
