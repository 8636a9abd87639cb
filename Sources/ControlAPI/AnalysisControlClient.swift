/// The issue-13 requests of the control client: devices, countries and alerts.
extension ControlClient {
    /// `GET /v1/analysis/devices`: live bindings and AORs per vendor, model and firmware.
    public func devices(_ query: AnalysisQuery) async throws(ControlClientError) -> DeviceReport {
        try await answer(.analysisDevices(query), body: nil, decoding: DeviceReport.self)
    }

    /// `GET /v1/analysis/geo`: countries of live bindings and of failed attempts.
    public func geo(_ query: AnalysisQuery) async throws(ControlClientError) -> GeoReport {
        try await answer(.analysisGeo(query), body: nil, decoding: GeoReport.self)
    }

    /// `GET /v1/alerts`: the alert engine's states and the alert events of the window.
    public func alerts(_ query: AnalysisQuery) async throws(ControlClientError) -> AlertsReport {
        try await answer(.alerts(query), body: nil, decoding: AlertsReport.self)
    }
}
