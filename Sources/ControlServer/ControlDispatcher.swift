import ControlAPI
import Foundation
import Logging

/// Turns one complete control request into its answer: resolves the route, decodes and
/// validates the body, calls the service, encodes the result or the error.
///
/// Every non-2xx answer carries a `ControlError` body.
struct ControlDispatcher: Sendable {
    /// The daemon's side of the control API.
    let service: any ControlService
    /// Where request outcomes are logged.
    let logger: Logger

    /// Answers a request; `caller` names who sent it (recorded by operations that change
    /// state on someone's order, such as force-unregister).
    func respond(method: String, target: String, body: [UInt8], caller: String = "control") async -> ControlReply {
        switch ControlRoute.match(method: method, target: target) {
        case .notFound:
            return Self.error(
                404, "no such endpoint: \(method) \(Self.abbreviate(target))",
                hint: "the control API's endpoints are listed in docs/cli.md")
        case .methodNotAllowed(let allowed):
            var reply = Self.error(
                405, "\(method) is not allowed on \(Self.abbreviate(target))",
                hint: "use \(allowed.joined(separator: " or "))")
            reply.headers.append(("Allow", allowed.joined(separator: ", ")))
            return reply
        case .badRequest(let problem):
            return Self.error(400, problem)
        case .route(let route):
            do {
                return try await ControlCaller.$current.withValue(caller) { try await perform(route, body: body, caller: caller) }
            } catch let refusal as ControlServiceError {
                let status = (400...599).contains(refusal.status) ? refusal.status : 500
                return Self.error(status, refusal.message, hint: refusal.hint)
            } catch let problem as RequestProblem {
                return Self.error(400, problem.message, hint: problem.hint)
            } catch {
                logger.error(
                    "control request failed",
                    metadata: ["route": "\(route.summary)", "error": "\(String(reflecting: error))"])
                return Self.error(500, "internal error: \(error)", hint: "the daemon's log has the details")
            }
        }
    }

    private func perform(_ route: ControlRoute, body: [UInt8], caller: String) async throws -> ControlReply {
        switch route {
        case .health:
            return try Self.ok(200, await service.health())
        case .listRegistrations(let query):
            return try Self.ok(200, await service.registrations(matching: query))
        case .showRegistration(let aor):
            guard let detail = try await service.registration(aor: aor) else {
                return Self.error(404, "no bindings for '\(aor)'",
                                  hint: "see who is registered with 'sipwardenctl registrations list' (or --status all for recently expired ones)")
            }
            return try Self.ok(200, detail)
        case .unregister:
            let request = try Self.decode(UnregisterRequest.self, from: body, route: route)
            if let problem = request.validationProblem() { throw RequestProblem(message: problem) }
            // The service writes the audit line (DaemonControlService+Audit.swift), as for every change.
            let response = try await service.unregister(request, caller: caller)
            return try Self.ok(200, response)
        case .listSubscribers:
            return try Self.ok(200, await service.subscribers())
        case .addSubscriber:
            let request = try Self.decode(SubscriberAddRequest.self, from: body, route: route)
            if let problem = request.validationProblem() {
                throw RequestProblem(message: problem)
            }
            let replaced = try await service.addOrReplaceSubscriber(request)
            return ControlReply(status: replaced ? 200 : 201, body: [])
        case .exportSubscribers:
            return try Self.ok(200, await service.exportSubscribers())
        case .importSubscribers:
            let request = try Self.decode(SubscriberImportRequest.self, from: body, route: route)
            if let problem = request.validationProblem() {
                throw RequestProblem(message: problem, hint: "nothing was imported")
            }
            let started = ContinuousClock.now
            let response = try await service.importSubscribers(request)
            logger.info(
                "subscribers imported",
                metadata: ["count": "\(response.imported)", "duration": "\(ContinuousClock.now - started)"])
            return try Self.ok(200, response)
        case .removeSubscriber(let username, let domain):
            if let problem = SubscriberValidation.problem(username: username) {
                throw RequestProblem(message: problem)
            }
            if let domain, let problem = SubscriberValidation.problem(domain: domain) {
                throw RequestProblem(message: problem)
            }
            guard try await service.removeSubscriber(username: username, domain: domain) else {
                let name = domain.map { "\(username)@\($0)" } ?? username
                return Self.error(
                    404, "no subscriber '\(name)'",
                    hint: "see who exists with 'sipwardenctl subscriber list'")
            }
            return ControlReply(status: 204, body: [])
        case .listBans:
            return try Self.ok(200, await service.bans())
        case .addBan:
            var request = try Self.decode(BanAddRequest.self, from: body, route: route)
            if let problem = request.validationProblem() {
                throw RequestProblem(message: problem)
            }
            request.target = try Self.canonicalBanTarget(request.target)
            let ban = try await service.addBan(request)
            return try Self.ok(201, ban)
        case .removeBan(let target):
            let canonical = try Self.canonicalBanTarget(target)
            guard try await service.removeBan(target: canonical) else {
                return Self.error(
                    404, "no ban on \(canonical)",
                    hint: "see the bans in force with 'sipwardenctl ban list'; a ban of a range is removed by the range")
            }
            return ControlReply(status: 204, body: [])
        case .banWhy(let target):
            let canonical = try Self.canonicalBanTarget(target)
            guard let answer = try await service.banWhy(target: canonical) else {
                return Self.error(404, "\(canonical) is not banned", hint: "see the bans in force with 'sipwardenctl ban list'")
            }
            return try Self.ok(200, answer)
        case .listPlugins:
            return try Self.ok(200, await service.plugins())
        case .reloadPlugins:
            let plugins = try await service.reloadPlugins()
            return try Self.ok(200, plugins)
        // Issue 5, operator control: ControlDispatcher+Operator.swift.
        case .showSubscriber, .updateSubscriber, .setSubscriberPassword, .listAllowedRanges, .addAllowedRange,
             .removeAllowedRange, .listTrusted, .addTrusted, .removeTrusted, .stats:
            return try await performOperator(route, body: body)
        // Issue 13, history and analysis: ControlDispatcher+History.swift.
        case .history, .analysisTrend, .analysisFailures:
            return try await performHistory(route)
        // Issue 13, devices, countries and alerts: ControlDispatcher+Analysis.swift.
        case .analysisDevices, .analysisGeo, .alerts:
            return try await performAnalysis(route)
        // Issue 15, the web console: ControlDispatcher+Console.swift.
        case .registrationPage, .phonePage, .listConsoleUsers, .addConsoleUser, .removeConsoleUser, .consoleLogin, .showPolicy, .updatePolicy,
             .securityEvents:
            return try await performConsole(route, body: body)
        // Issue 14, trunks: ControlDispatcher+Trunks.swift.
        case .listTrunks, .addTrunk, .showTrunk, .trunkCommand, .removeTrunk:
            return try await performTrunk(route, body: body)
        // Issue 10, bulk ban import: ControlDispatcher+BanImport.swift.
        case .importBans:
            return try await performBanImport(route, body: body)
        }
    }

    /// The canonical form of a ban target from a path or body, or a 400 naming the problem.
    private static func canonicalBanTarget(_ target: String) throws -> String {
        guard let canonical = BanTarget.canonical(target) else {
            throw RequestProblem(message: BanTarget.problem(target) ?? "invalid ban target")
        }
        return canonical
    }

    /// A request body that could not be used: 400.
    struct RequestProblem: Error {
        var message: String
        var hint: String?
    }

    static func decode<Body: Decodable>(_ type: Body.Type, from body: [UInt8], route: ControlRoute) throws -> Body {
        guard !body.isEmpty else {
            throw RequestProblem(message: "\(route.method) \(route.target) needs a JSON body")
        }
        do {
            return try ControlJSON.makeDecoder().decode(Body.self, from: Data(body))
        } catch let error as DecodingError {
            throw RequestProblem(message: "invalid JSON body for \(route.method) \(route.target): \(describe(error))")
        }
    }

    /// A decoding error in words: what was wrong and where ("missing key 'password' at
    /// entries[2]").
    static func describe(_ error: DecodingError) -> String {
        func location(_ path: [any CodingKey]) -> String {
            guard !path.isEmpty else { return "" }
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return " at \(text)"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)'\(location(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "expected \(jsonTypeName(type))\(location(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "expected \(jsonTypeName(type)), found null\(location(context.codingPath))"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { ": \($0)" } ?? ""
            return "\(context.debugDescription)\(location(context.codingPath))\(underlying)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Double.Type: return "a number"
        case is [Any].Type: return "an array"
        default: return "an object"
        }
    }

    static func ok<Answer: Encodable>(_ status: Int, _ answer: Answer) throws -> ControlReply {
        ControlReply(status: status, body: Array(try ControlJSON.makeEncoder().encode(answer)))
    }

    /// An error answer with a `ControlError` body.
    static func error(_ status: Int, _ message: String, hint: String? = nil) -> ControlReply {
        let body = (try? ControlJSON.makeEncoder().encode(ControlError(error: message, hint: hint))).map(Array.init)
        return ControlReply(status: status, body: body ?? Array("{\"error\":\"internal error\",\"hint\":null}".utf8))
    }

    private static func abbreviate(_ text: String) -> String {
        text.count <= 100 ? text : String(text.prefix(97)) + "..."
    }
}
