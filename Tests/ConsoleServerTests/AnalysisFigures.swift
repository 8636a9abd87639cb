import ControlAPI
import Foundation

/// What the fake control service answers on the analysis routes; a test fills it in.
struct AnalysisFigures: Sendable {
    var historyDisabled = false
    var trend = TrendReport(step: .hour, since: Date(timeIntervalSince1970: 1_780_000_000), until: Date(timeIntervalSince1970: 1_780_010_800), points: [])
    var failures: [FailureGroup] = []
    var devices = DeviceReport(since: Date(timeIntervalSince1970: 1_780_000_000), devicesFile: nil, note: nil, devices: [])
    var geo = GeoReport(since: Date(timeIntervalSince1970: 1_780_000_000), database: nil, databaseType: nil, note: nil, bindings: [], failures: [])
    var alerts = AlertsReport(enabled: true, states: [], events: [], webhook: nil)
}
