import ControlAPI

/// The issue-5 operator routes: validate, call the service, encode.
extension ControlDispatcher {
    func performOperator(_ route: ControlRoute, body: [UInt8]) async throws -> ControlReply {
        switch route {
        case .showSubscriber(let username, let domain):
            try Self.checkSubscriber(username, domain)
            guard let detail = try await service.subscriber(username: username, domain: domain) else {
                return Self.unknownSubscriber(username, domain)
            }
            return try Self.ok(200, detail)
        case .updateSubscriber(let username, let domain):
            try Self.checkSubscriber(username, domain)
            let request = try Self.decode(SubscriberUpdateRequest.self, from: body, route: route)
            if let problem = request.validationProblem() { throw RequestProblem(message: problem) }
            guard let info = try await service.updateSubscriber(username: username, domain: domain, request) else {
                return Self.unknownSubscriber(username, domain)
            }
            return try Self.ok(200, info)
        case .setSubscriberPassword(let username, let domain):
            try Self.checkSubscriber(username, domain)
            let request = try Self.decode(SubscriberPasswordRequest.self, from: body, route: route)
            if let problem = request.validationProblem() { throw RequestProblem(message: problem) }
            guard try await service.setPassword(username: username, domain: domain, request) else {
                return Self.unknownSubscriber(username, domain)
            }
            return ControlReply(status: 204, body: [])
        case .listAllowedRanges(let username, let domain):
            if let username { try Self.checkSubscriber(username, domain) }
            return try Self.ok(200, await service.allowedRanges(username: username, domain: domain))
        case .addAllowedRange:
            var rule = try Self.decode(AllowedRangeRule.self, from: body, route: route)
            if let problem = rule.validationProblem() { throw RequestProblem(message: problem) }
            rule.cidr = try Self.canonicalRange(rule.cidr)
            let added = try await service.addAllowedRange(rule)
            return try Self.ok(201, added)
        case .removeAllowedRange(let username, let domain, let cidr):
            try Self.checkSubscriber(username, domain)
            let canonical = try Self.canonicalRange(cidr)
            guard try await service.removeAllowedRange(username: username, domain: domain, cidr: canonical) else {
                return Self.error(404, "\(Self.name(username, domain)) has no allowed range \(canonical)",
                                  hint: "see its ranges with 'sipwardenctl allow list \(Self.name(username, domain))'")
            }
            return ControlReply(status: 204, body: [])
        case .listTrusted:
            return try Self.ok(200, await service.trustedRanges())
        case .addTrusted:
            let request = try Self.decode(TrustedRangeRequest.self, from: body, route: route)
            let canonical = try Self.canonicalRange(request.cidr, for: .trusted)
            let added = try await service.addTrusted(cidr: canonical)
            return try Self.ok(201, added)
        case .removeTrusted(let cidr):
            let canonical = try Self.canonicalRange(cidr, for: .trusted)
            guard try await service.removeTrusted(cidr: canonical) else {
                return Self.error(404, "\(canonical) is not a trusted range", hint: "see them with 'sipwardenctl trusted list'")
            }
            return ControlReply(status: 204, body: [])
        case .stats:
            return try Self.ok(200, await service.stats())
        default:
            return Self.error(404, "no such endpoint: \(route.summary)")
        }
    }

    private static func checkSubscriber(_ username: String, _ domain: String?) throws {
        if let problem = SubscriberValidation.problem(username: username) { throw RequestProblem(message: problem) }
        if let domain, let problem = SubscriberValidation.problem(domain: domain) { throw RequestProblem(message: problem) }
    }

    private static func canonicalRange(_ text: String, for purpose: AccessRange.Purpose = .phone) throws -> String {
        guard let canonical = AccessRange.canonical(text, for: purpose) else {
            throw RequestProblem(message: AccessRange.problem(text, for: purpose) ?? "invalid range")
        }
        return canonical
    }

    static func name(_ username: String, _ domain: String?) -> String { domain.map { "\(username)@\($0)" } ?? username }

    private static func unknownSubscriber(_ username: String, _ domain: String?) -> ControlReply {
        error(404, "no subscriber '\(name(username, domain))'", hint: "see who exists with 'sipwardenctl subscriber list'")
    }
}
