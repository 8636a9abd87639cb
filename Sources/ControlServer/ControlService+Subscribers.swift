import ControlAPI

/// Answers for the subscriber routes added after the first services (and test fakes) were
/// written: adding goes through `addSubscriber`, exporting is 501.
extension ControlService {
    /// Adds through `addSubscriber`; reports no replacement.
    public func addOrReplaceSubscriber(_ request: SubscriberAddRequest) async throws -> Bool {
        try await addSubscriber(request)
        return false
    }

    /// Not implemented by this service: 501.
    public func exportSubscribers() async throws -> SubscriberImportRequest {
        throw ControlServiceError(status: 501, message: "GET /v1/export/subscribers is not wired yet in this daemon")
    }
}
