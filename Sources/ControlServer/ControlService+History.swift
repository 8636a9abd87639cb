import ControlAPI

/// Answers for the issue-13 history routes until a service implements them: 501, so test
/// fakes written before them keep compiling and say so.
extension ControlService {
    /// Not implemented by this service: 501.
    public func history(_ query: HistoryQuery) async throws -> [HistoryEventInfo] { throw historyNotWired("GET /v1/history") }
    /// Not implemented by this service: 501.
    public func trend(_ query: AnalysisQuery) async throws -> TrendReport { throw historyNotWired("GET /v1/analysis/trend") }
    /// Not implemented by this service: 501.
    public func failures(_ query: AnalysisQuery) async throws -> [FailureGroup] { throw historyNotWired("GET /v1/analysis/failures") }

    private func historyNotWired(_ route: String) -> ControlServiceError {
        ControlServiceError(status: 501, message: "\(route) is not wired yet in this daemon")
    }
}
