import ControlAPI

/// Defaults for the web-console routes: a page cut from the full query, and 501 for the
/// rest, so a service written before they existed (and test fakes) keeps compiling.
extension ControlService {
    /// Slices `registrations(matching:)`.
    public func registrationPage(matching query: RegistrationQuery, offset: Int, limit: Int) async throws -> RegistrationPage {
        let all = try await registrations(matching: query)
        let start = min(offset, all.count)
        let end = min(start + limit, all.count)
        return RegistrationPage(total: all.count, offset: offset, limit: limit, registrations: Array(all[start..<end]))
    }
    /// Pages `subscribers()` and keeps the `allowedRanges` of the phones on the page.
    public func phonePage(filter: String?, offset: Int, limit: Int) async throws -> PhonePage {
        let (total, phones) = PhonePage.select(try await subscribers(), filter: filter, offset: offset, limit: limit) { ($0.username, $0.domain) }
        let ranges = PhonePage.ranges(try await allowedRanges(username: nil, domain: nil), of: phones)
        return PhonePage(total: total, offset: offset, limit: limit, phones: phones, allowedRanges: ranges)
    }
    /// Not implemented by this service: 501.
    public func consoleUsers() async throws -> [ConsoleUserInfo] { throw Self.consoleNotWired("GET /v1/console/users") }
    /// Not implemented by this service: 501.
    public func addConsoleUser(_ request: ConsoleUserAddRequest) async throws -> (user: ConsoleUserInfo, replaced: Bool) {
        throw Self.consoleNotWired("POST /v1/console/users")
    }
    /// Not implemented by this service: 501.
    public func removeConsoleUser(name: String) async throws -> Bool { throw Self.consoleNotWired("DELETE /v1/console/users/{name}") }
    /// Not implemented by this service: 501.
    public func consoleLogin(_ request: ConsoleLoginRequest) async throws -> ConsoleLoginResponse? {
        throw Self.consoleNotWired("POST /v1/console/login")
    }
    /// Not implemented by this service: 501.
    public func policyFile(plugin: String) async throws -> PolicyFileText? { throw Self.consoleNotWired("GET /v1/plugins/{name}/policy") }
    /// Not implemented by this service: 501.
    public func updatePolicyFile(plugin: String, text: String) async throws -> [PluginInfo] {
        throw Self.consoleNotWired("PUT /v1/plugins/{name}/policy")
    }

    /// Not implemented by this service: 501.
    public func securityEvents(limit: Int) async throws -> [BanEvidenceEvent] { throw Self.consoleNotWired("GET /v1/events") }

    private static func consoleNotWired(_ route: String) -> ControlServiceError {
        ControlServiceError(status: 501, message: "\(route) is not wired yet in this daemon")
    }
}
