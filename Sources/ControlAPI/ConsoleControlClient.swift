import Foundation

/// The issue-15 requests of the control client: console accounts, a page of registrations,
/// policy files and the latest security events.
extension ControlClient {
    /// `GET /v1/console/users`.
    public func consoleUsers() async throws(ControlClientError) -> [ConsoleUserInfo] {
        try await answer(.listConsoleUsers, body: nil, decoding: [ConsoleUserInfo].self)
    }

    /// `POST /v1/console/users`: creates (or replaces) an account; returns it.
    public func addConsoleUser(_ request: ConsoleUserAddRequest) async throws(ControlClientError) -> ConsoleUserInfo {
        try await answer(.addConsoleUser, body: try consoleBody(request), decoding: ConsoleUserInfo.self)
    }

    /// `DELETE /v1/console/users/{name}`.
    public func removeConsoleUser(name: String) async throws(ControlClientError) {
        try checkStatus(await send(.removeConsoleUser(name: name), body: nil))
    }

    /// `GET /v1/registrations/page`: one page of the filtered, sorted table and the total.
    public func registrationPage(_ query: RegistrationQuery, offset: Int, limit: Int) async throws(ControlClientError) -> RegistrationPage {
        try await answer(.registrationPage(query, offset: offset, limit: limit), body: nil, decoding: RegistrationPage.self)
    }

    /// `GET /v1/phones`: one page of the subscribers a filter selects, with their allowed ranges.
    public func phonePage(filter: String?, offset: Int, limit: Int) async throws(ControlClientError) -> PhonePage {
        try await answer(.phonePage(filter: filter, offset: offset, limit: limit), body: nil, decoding: PhonePage.self)
    }

    /// `GET /v1/plugins/{name}/policy`.
    public func policyFile(plugin: String) async throws(ControlClientError) -> PolicyFileText {
        try await answer(.showPolicy(plugin: plugin), body: nil, decoding: PolicyFileText.self)
    }

    /// `PUT /v1/plugins/{name}/policy`: checks, writes and reloads; returns the plugins after.
    public func updatePolicyFile(plugin: String, text: String) async throws(ControlClientError) -> [PluginInfo] {
        try await answer(.updatePolicy(plugin: plugin), body: try consoleBody(PolicyFileText(plugin: plugin, path: "", text: text)), decoding: [PluginInfo].self)
    }

    /// `GET /v1/events?limit=`: the latest security events, oldest first.
    public func securityEvents(limit: Int) async throws(ControlClientError) -> [BanEvidenceEvent] {
        try await answer(.securityEvents(limit: limit), body: nil, decoding: [BanEvidenceEvent].self)
    }

    private func consoleBody<Body: Encodable>(_ value: Body) throws(ControlClientError) -> [UInt8] {
        do {
            return Array(try ControlJSON.makeEncoder().encode(value))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "the request could not be encoded: \(error)")
        }
    }
}
