import Foundation

/// The registration requests of the control client (`ControlClient` itself holds the transport).
extension ControlClient {
    /// `GET /v1/registrations?...`: the bindings the query selects, in its order.
    public func registrations(matching query: RegistrationQuery) async throws(ControlClientError) -> [RegistrationInfo] {
        try await answer(.listRegistrations(query), body: nil, decoding: [RegistrationInfo].self)
    }

    /// `GET /v1/registrations/{aor}`: one AOR in full (a 404 when it has no binding arrives
    /// as `ControlClientError.daemon`).
    public func registration(aor: String) async throws(ControlClientError) -> RegistrationDetail {
        try await answer(.showRegistration(aor: aor), body: nil, decoding: RegistrationDetail.self)
    }

    /// `POST /v1/registrations/unregister`: removes (or, for a dry run, lists) bindings.
    public func unregister(_ request: UnregisterRequest) async throws(ControlClientError) -> UnregisterResponse {
        let body: [UInt8]
        do {
            body = Array(try ControlJSON.makeEncoder().encode(request))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "the request could not be encoded: \(error)")
        }
        return try await answer(.unregister, body: body, decoding: UnregisterResponse.self)
    }
}
