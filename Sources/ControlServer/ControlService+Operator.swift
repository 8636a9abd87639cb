import ControlAPI

/// Answers for the issue-5 operator routes until a service implements them: 501, so test
/// fakes written before them keep compiling and say so.
extension ControlService {
    /// Not implemented by this service: 501.
    public func subscriber(username: String, domain: String?) async throws -> SubscriberDetail? { throw notWired("GET /v1/subscribers/{user}") }
    /// Not implemented by this service: 501.
    public func updateSubscriber(username: String, domain: String?, _ request: SubscriberUpdateRequest) async throws -> SubscriberInfo? {
        throw notWired("PATCH /v1/subscribers/{user}")
    }
    /// Not implemented by this service: 501.
    public func setPassword(username: String, domain: String?, _ request: SubscriberPasswordRequest) async throws -> Bool {
        throw notWired("PUT /v1/subscribers/{user}/password")
    }
    /// Not implemented by this service: 501.
    public func allowedRanges(username: String?, domain: String?) async throws -> [AllowedRangeRule] { throw notWired("GET /v1/allowed") }
    /// Not implemented by this service: 501.
    public func addAllowedRange(_ rule: AllowedRangeRule) async throws -> AllowedRangeRule { throw notWired("POST /v1/allowed") }
    /// Not implemented by this service: 501.
    public func removeAllowedRange(username: String, domain: String?, cidr: String) async throws -> Bool { throw notWired("DELETE /v1/allowed") }
    /// Not implemented by this service: 501.
    public func trustedRanges() async throws -> [TrustedRangeInfo] { throw notWired("GET /v1/trusted") }
    /// Not implemented by this service: 501.
    public func addTrusted(cidr: String) async throws -> TrustedRangeInfo { throw notWired("POST /v1/trusted") }
    /// Not implemented by this service: 501.
    public func removeTrusted(cidr: String) async throws -> Bool { throw notWired("DELETE /v1/trusted") }
    /// Not implemented by this service: 501.
    public func stats() async throws -> StatsInfo { throw notWired("GET /v1/stats") }

    private func notWired(_ route: String) -> ControlServiceError {
        ControlServiceError(status: 501, message: "\(route) is not wired yet in this daemon")
    }
}
