import ControlAPI

/// Answers for the trunk routes until a service implements them: 501, so test fakes written
/// before them keep compiling and say so.
extension ControlService {
    /// Not implemented by this service: 501.
    public func trunks() async throws -> [TrunkInfo] { throw trunksNotWired("GET /v1/trunks") }
    /// Not implemented by this service: 501.
    public func trunk(named name: String) async throws -> TrunkInfo? { throw trunksNotWired("GET /v1/trunks/{name}") }
    /// Not implemented by this service: 501.
    public func addTrunk(_ request: TrunkAddRequest) async throws -> TrunkInfo { throw trunksNotWired("POST /v1/trunks") }
    /// Not implemented by this service: 501.
    public func trunk(named name: String, _ command: TrunkCommand) async throws -> TrunkInfo? {
        throw trunksNotWired("POST /v1/trunks/{name}/{command}")
    }
    /// Not implemented by this service: 501.
    public func removeTrunk(named name: String) async throws -> Bool { throw trunksNotWired("DELETE /v1/trunks/{name}") }

    private func trunksNotWired(_ route: String) -> ControlServiceError {
        ControlServiceError(status: 501, message: "\(route) is not wired yet in this daemon")
    }
}
