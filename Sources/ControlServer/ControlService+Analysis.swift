import ControlAPI

/// Answers for the issue-13 device, country and alert routes until a service implements
/// them: 501, so test fakes written before them keep compiling and say so.
extension ControlService {
    /// Not implemented by this service: 501.
    public func devices(_ query: AnalysisQuery) async throws -> DeviceReport { throw analysisNotWired("GET /v1/analysis/devices") }
    /// Not implemented by this service: 501.
    public func geo(_ query: AnalysisQuery) async throws -> GeoReport { throw analysisNotWired("GET /v1/analysis/geo") }
    /// Not implemented by this service: 501.
    public func alerts(_ query: AnalysisQuery) async throws -> AlertsReport { throw analysisNotWired("GET /v1/alerts") }

    private func analysisNotWired(_ route: String) -> ControlServiceError {
        ControlServiceError(status: 501, message: "\(route) is not wired yet in this daemon")
    }
}
