import Foundation

/// The ban requests of the control client (`ControlClient` itself holds the transport).
extension ControlClient {
    /// `GET /v1/bans`: every ban in force.
    public func bans() async throws(ControlClientError) -> [BanInfo] {
        try await answer(.listBans, body: nil, decoding: [BanInfo].self)
    }

    /// `POST /v1/bans`: bans an address or range; returns the ban as now in force (a re-ban
    /// keeps the longer expiry).
    public func addBan(_ request: BanAddRequest) async throws(ControlClientError) -> BanInfo {
        let body: [UInt8]
        do {
            body = Array(try ControlJSON.makeEncoder().encode(request))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "the request could not be encoded: \(error)")
        }
        return try await answer(.addBan, body: body, decoding: BanInfo.self)
    }

    /// `DELETE /v1/bans/{target}`: lifts a ban (a 404 when there is none arrives as
    /// `ControlClientError.daemon`).
    public func removeBan(target: String) async throws(ControlClientError) {
        try checkStatus(await send(.removeBan(target: target), body: nil))
    }

    /// `GET /v1/bans/{target}/why`: the ban blocking `target` and its evidence.
    public func banWhy(target: String) async throws(ControlClientError) -> BanWhyResponse {
        try await answer(.banWhy(target: target), body: nil, decoding: BanWhyResponse.self)
    }

    /// Sends a request and decodes a successful answer as `Answer`.
    func answer<Answer: Decodable>(
        _ route: ControlRoute, body: [UInt8]?, decoding: Answer.Type
    ) async throws(ControlClientError) -> Answer {
        let response = try await send(route, body: body)
        try checkStatus(response)
        do {
            return try ControlJSON.makeDecoder().decode(Answer.self, from: Data(response.body))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "\(route.summary) answered with unexpected JSON: \(error)")
        }
    }

    /// Turns a non-2xx answer into `ControlClientError.daemon`, with the daemon's message.
    func checkStatus(_ response: ControlHTTPResponse) throws(ControlClientError) {
        guard !response.isSuccess else { return }
        if let error = try? ControlJSON.makeDecoder().decode(ControlError.self, from: Data(response.body)) {
            throw .daemon(status: response.status, error: error)
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
        throw .daemon(
            status: response.status,
            error: ControlError(error: "HTTP \(response.status) \(response.reason)\(text.isEmpty ? "" : ": \(text)")"))
    }
}
