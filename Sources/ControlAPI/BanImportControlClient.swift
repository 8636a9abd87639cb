/// The bulk ban import request of the control client.
extension ControlClient {
    /// `POST /v1/bans/import`: bans every target of the request; answered once all of them
    /// are committed. A refused import (a bad or trusted target) bans nothing and arrives as
    /// `ControlClientError.daemon` with status 400 naming the first bad targets.
    public func importBans(_ request: BanImportRequest) async throws(ControlClientError) -> BanImportResponse {
        let body: [UInt8]
        do {
            body = Array(try ControlJSON.makeEncoder().encode(request))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "the request could not be encoded: \(error)")
        }
        return try await answer(.importBans, body: body, decoding: BanImportResponse.self)
    }
}
