import ControlAPI
import Logging

/// The control API answered in process, through the same dispatcher as the control socket:
/// the web console's way to act, so every action has one implementation (the same routes,
/// validation, service calls and audit lines as `sipwardenctl`).
public struct LocalControl: Sendable {
    private let dispatcher: ControlDispatcher

    /// Answers requests with `service`.
    public init(service: any ControlService, logger: Logger) {
        dispatcher = ControlDispatcher(service: service, logger: logger)
    }

    /// Answers one request; `caller` is recorded by changes ("console alice").
    public func respond(_ route: ControlRoute, body: [UInt8] = [], caller: String) async -> ControlHTTPResponse {
        let reply = await dispatcher.respond(method: route.method, target: route.target, body: body, caller: caller)
        return ControlHTTPResponse(status: reply.status, reason: "", headers: [:], body: reply.body)
    }
}
