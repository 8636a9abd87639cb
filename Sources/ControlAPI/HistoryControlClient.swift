/// The issue-13 requests of the control client: the registration history and its analyses.
extension ControlClient {
    /// `GET /v1/history`: recorded events matching `query`, newest first.
    public func history(_ query: HistoryQuery) async throws(ControlClientError) -> [HistoryEventInfo] {
        try await answer(.history(query), body: nil, decoding: [HistoryEventInfo].self)
    }

    /// `GET /v1/analysis/trend`: the registration figures per step.
    public func trend(_ query: AnalysisQuery) async throws(ControlClientError) -> TrendReport {
        try await answer(.analysisTrend(query), body: nil, decoding: TrendReport.self)
    }

    /// `GET /v1/analysis/failures`: failed attempts per user, source and reason, most first.
    public func failures(_ query: AnalysisQuery) async throws(ControlClientError) -> [FailureGroup] {
        try await answer(.analysisFailures(query), body: nil, decoding: [FailureGroup].self)
    }
}
