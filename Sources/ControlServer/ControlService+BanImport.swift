import ControlAPI

/// The default for the bulk ban import route: 501, so a service written before it existed (and
/// test fakes) keeps compiling and says so.
extension ControlService {
    /// Not implemented by this service: 501.
    public func importBans(_ request: BanImportRequest) async throws -> BanImportResponse {
        throw ControlServiceError(status: 501, message: "POST /v1/bans/import is not wired yet in this daemon")
    }
}
