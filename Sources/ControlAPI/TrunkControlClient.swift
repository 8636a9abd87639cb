import Foundation

/// The trunk requests of the control client (issue 14).
extension ControlClient {
    /// `GET /v1/trunks`.
    public func trunks() async throws(ControlClientError) -> [TrunkInfo] {
        try await answer(.listTrunks, body: nil, decoding: [TrunkInfo].self)
    }

    /// `GET /v1/trunks/{name}`.
    public func trunk(named name: String) async throws(ControlClientError) -> TrunkInfo {
        try await answer(.showTrunk(name: name), body: nil, decoding: TrunkInfo.self)
    }

    /// `POST /v1/trunks`: adds a trunk; returns it as listed.
    public func addTrunk(_ request: TrunkAddRequest) async throws(ControlClientError) -> TrunkInfo {
        try await answer(.addTrunk, body: try jsonBody(request), decoding: TrunkInfo.self)
    }

    /// `POST /v1/trunks/{name}/{enable|disable|refresh}`: returns the trunk after.
    public func trunk(named name: String, _ command: TrunkCommand) async throws(ControlClientError) -> TrunkInfo {
        try await answer(.trunkCommand(name: name, command: command), body: nil, decoding: TrunkInfo.self)
    }

    /// `DELETE /v1/trunks/{name}`: un-REGISTERs and removes a trunk.
    public func removeTrunk(named name: String) async throws(ControlClientError) {
        try checkStatus(await send(.removeTrunk(name: name), body: nil))
    }

    private func jsonBody<Body: Encodable>(_ value: Body) throws(ControlClientError) -> [UInt8] {
        do {
            return Array(try ControlJSON.makeEncoder().encode(value))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "the request could not be encoded: \(error)")
        }
    }
}
