import Foundation

/// The issue-5 operator requests of the control client: subscriber details, allowed and
/// trusted ranges, stats.
extension ControlClient {
    /// `GET /v1/subscribers/{user}?domain=`: one subscriber, its ranges and binding count.
    public func subscriber(username: String, domain: String?) async throws(ControlClientError) -> SubscriberDetail {
        try await answer(.showSubscriber(username: username, domain: domain), body: nil, decoding: SubscriberDetail.self)
    }

    /// `PATCH /v1/subscribers/{user}?domain=`: changes details; returns the subscriber after.
    public func updateSubscriber(username: String, domain: String?, _ request: SubscriberUpdateRequest) async throws(ControlClientError) -> SubscriberInfo {
        try await answer(.updateSubscriber(username: username, domain: domain), body: try body(request), decoding: SubscriberInfo.self)
    }

    /// `PUT /v1/subscribers/{user}/password?domain=`: sets a new password.
    public func setPassword(username: String, domain: String?, _ request: SubscriberPasswordRequest) async throws(ControlClientError) {
        try checkStatus(await send(.setSubscriberPassword(username: username, domain: domain), body: try body(request)))
    }

    /// `GET /v1/allowed`: every allowed range, or one subscriber's.
    public func allowedRanges(username: String? = nil, domain: String? = nil) async throws(ControlClientError) -> [AllowedRangeRule] {
        try await answer(.listAllowedRanges(username: username, domain: domain), body: nil, decoding: [AllowedRangeRule].self)
    }

    /// `POST /v1/allowed`: adds a rule; returns it canonical.
    public func addAllowedRange(_ rule: AllowedRangeRule) async throws(ControlClientError) -> AllowedRangeRule {
        try await answer(.addAllowedRange, body: try body(rule), decoding: AllowedRangeRule.self)
    }

    /// `DELETE /v1/allowed?user=&domain=&cidr=`: removes a subscriber's rules for a range.
    public func removeAllowedRange(username: String, domain: String?, cidr: String) async throws(ControlClientError) {
        try checkStatus(await send(.removeAllowedRange(username: username, domain: domain, cidr: cidr), body: nil))
    }

    /// `GET /v1/trusted`: every trusted range, from the configuration and the operator.
    public func trustedRanges() async throws(ControlClientError) -> [TrustedRangeInfo] {
        try await answer(.listTrusted, body: nil, decoding: [TrustedRangeInfo].self)
    }

    /// `POST /v1/trusted`: trusts a range; returns it canonical.
    public func addTrusted(_ request: TrustedRangeRequest) async throws(ControlClientError) -> TrustedRangeInfo {
        try await answer(.addTrusted, body: try body(request), decoding: TrustedRangeInfo.self)
    }

    /// `DELETE /v1/trusted?cidr=`: stops trusting an operator-added range.
    public func removeTrusted(cidr: String) async throws(ControlClientError) {
        try checkStatus(await send(.removeTrusted(cidr: cidr), body: nil))
    }

    /// `GET /v1/stats`.
    public func stats() async throws(ControlClientError) -> StatsInfo {
        try await answer(.stats, body: nil, decoding: StatsInfo.self)
    }

    private func body<Body: Encodable>(_ value: Body) throws(ControlClientError) -> [UInt8] {
        do {
            return Array(try ControlJSON.makeEncoder().encode(value))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "the request could not be encoded: \(error)")
        }
    }
}
