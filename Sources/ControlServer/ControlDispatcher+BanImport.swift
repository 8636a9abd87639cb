import ControlAPI

/// The bulk ban import route: decode, check every target, canonicalise, call the service.
extension ControlDispatcher {
    func performBanImport(_ route: ControlRoute, body: [UInt8]) async throws -> ControlReply {
        guard case .importBans = route else { return Self.error(404, "no such endpoint: \(route.summary)") }
        var request = try Self.decode(BanImportRequest.self, from: body, route: route)
        if let problem = request.validationProblem() {
            throw RequestProblem(message: problem, hint: "fix or remove those entries and import again")
        }
        // Checked above: every target has a canonical form.
        request.targets = request.targets.map { BanTarget.canonical($0) ?? $0 }
        let started = ContinuousClock.now
        let response = try await service.importBans(request)
        logger.info(
            "bans imported",
            metadata: [
                "targets": "\(response.targets)", "added": "\(response.added)", "extended": "\(response.extended)",
                "duration": "\(ContinuousClock.now - started)",
            ])
        return try Self.ok(200, response)
    }
}
