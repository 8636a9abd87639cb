import ControlAPI

/// The issue-15 web-console routes: validate, call the service, encode.
extension ControlDispatcher {
    func performConsole(_ route: ControlRoute, body: [UInt8]) async throws -> ControlReply {
        switch route {
        case .registrationPage(let query, let offset, let limit):
            return try Self.ok(200, await service.registrationPage(matching: query, offset: offset, limit: limit))
        case .phonePage(let filter, let offset, let limit):
            return try Self.ok(200, await service.phonePage(filter: filter, offset: offset, limit: limit))
        case .listConsoleUsers:
            return try Self.ok(200, await service.consoleUsers())
        case .addConsoleUser:
            let request = try Self.decode(ConsoleUserAddRequest.self, from: body, route: route)
            if let problem = request.validationProblem() { throw RequestProblem(message: problem) }
            let (user, replaced) = try await service.addConsoleUser(request)
            return try Self.ok(replaced ? 200 : 201, user)
        case .removeConsoleUser(let name):
            if let problem = ConsoleUserAddRequest.nameProblem(name) { throw RequestProblem(message: problem) }
            guard try await service.removeConsoleUser(name: name) else {
                return Self.error(404, "no console user '\(name)'", hint: "see them with 'sipwardenctl console user list'")
            }
            return ControlReply(status: 204, body: [])
        case .consoleLogin:
            let request = try Self.decode(ConsoleLoginRequest.self, from: body, route: route)
            if let problem = request.validationProblem() { throw RequestProblem(message: problem) }
            guard let answer = try await service.consoleLogin(request) else {
                return Self.error(401, "wrong user name or password")
            }
            return try Self.ok(200, answer)
        case .showPolicy(let plugin):
            guard let file = try await service.policyFile(plugin: plugin) else {
                return Self.error(404, "no plugin '\(plugin)'", hint: "see them with 'sipwardenctl plugins list'")
            }
            return try Self.ok(200, file)
        case .updatePolicy(let plugin):
            let request = try Self.decode(PolicyFileText.self, from: body, route: route)
            return try Self.ok(200, await service.updatePolicyFile(plugin: plugin, text: request.text))
        case .securityEvents(let limit):
            return try Self.ok(200, await service.securityEvents(limit: limit))
        default:
            return Self.error(404, "no such endpoint: \(route.summary)")
        }
    }
}
