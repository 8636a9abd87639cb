import ControlAPI

/// Answers for the registration-management routes of services written before they existed
/// (and test fakes): the plain listing, filtered here; the rest 501.
extension ControlService {
    /// Filters `registrations()` (every live binding) with the query.
    public func registrations(matching query: RegistrationQuery) async throws -> [RegistrationInfo] {
        query.apply(try await registrations())
    }

    /// Not implemented by this service: 501.
    public func registration(aor: String) async throws -> RegistrationDetail? {
        throw ControlServiceError(status: 501, message: "GET /v1/registrations/{aor} is not wired yet in this daemon")
    }

    /// Not implemented by this service: 501.
    public func unregister(_ request: UnregisterRequest, caller: String) async throws -> UnregisterResponse {
        throw ControlServiceError(status: 501, message: "POST /v1/registrations/unregister is not wired yet in this daemon")
    }
}
