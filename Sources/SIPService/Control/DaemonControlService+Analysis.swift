import Alerts
import ControlAPI
import ControlServer
import Foundation
import History
import Registrar
import SIPWardenPolicy

/// The control API's device, country and alert routes: live bindings from the registrar's
/// state, the window from the history (a reader connection of its own), the rules and the
/// GeoIP database from the analysis context.
extension DaemonControlService {
    func devices(_ query: AnalysisQuery) async throws -> DeviceReport {
        let now = Date()
        let context = try analysisContext()
        let since = query.since ?? "30d"
        var note = context.devicesNote
        var sightings: [(aor: String, userAgent: String?)] = []
        if let history = security.history {
            sightings = try history.store.deviceSightings(since: since, until: query.until, now: now).map { ($0.aor, $0.userAgent) }
        } else {
            note = [note, "the history is disabled (history.enabled: false): AORs are counted from the live bindings only"]
                .compactMap { $0 }.joined(separator: "; ")
        }
        let live = liveBindings().map { DeviceBreakdown.Live(aor: $0.aor, userAgent: $0.userAgent) }
        return DeviceReport(since: try start(since, now: now), devicesFile: context.devicesFile, note: note,
                            devices: DeviceBreakdown.rows(live: live, sightings: sightings, catalog: context.catalog))
    }

    func geo(_ query: AnalysisQuery) async throws -> GeoReport {
        let now = Date()
        let context = try analysisContext()
        let since = query.since ?? "30d"
        var note = context.geoNote
        var sources: [(sourceIP: String, attempts: Int)] = []
        if let history = security.history {
            sources = try history.store.failureSources(since: since, until: query.until, now: now).map { ($0.sourceIP, $0.attempts) }
        } else {
            note = [note, "the history is disabled (history.enabled: false): no failed attempts to place"].compactMap { $0 }.joined(separator: "; ")
        }
        let live = liveBindings().map { (aor: $0.aor, sourceIP: $0.source.ip) }
        return GeoReport(
            since: try start(since, now: now), database: context.geo?.path, databaseType: context.geo?.databaseType, note: note,
            bindings: GeoBreakdown.bindings(live, lookup: context.place), failures: GeoBreakdown.failures(sources, lookup: context.place))
    }

    func alerts(_ query: AnalysisQuery) async throws -> AlertsReport {
        let history = try historyStore()
        let monitor = security.analysis?.monitor
        let events = try history.events(
            HistoryQuery(kinds: [SecurityEventKind.alertRaised, SecurityEventKind.alertCleared], since: query.since ?? "7d", until: query.until,
                         limit: query.limit ?? 1000),
            now: Date())
        let webhook = monitor?.webhook.map { sender in
            let figures = sender.statistics
            return AlertsReport.Webhook(urls: sender.urls.count, delivered: figures.delivered, failed: figures.failed,
                                        dropped: figures.dropped, lastError: figures.lastError)
        }
        return AlertsReport(
            enabled: monitor != nil, states: Self.alertStates(monitor?.states ?? []),
            events: events.map { event in
                let (severity, message) = AlertInfo.split(detail: event.detail ?? "")
                return AlertInfo(time: event.time, event: event.kind, source: event.username ?? "", severity: severity, message: message)
            },
            webhook: webhook)
    }

    /// The alert engine's states for the control API and the metrics.
    static func alertStates(_ states: [AlertState]) -> [AlertStateInfo] {
        states.map { state in
            AlertStateInfo(
                alert: state.kind.rawValue, raised: state.raised,
                since: state.since.map { RFC3339.format(Date(timeIntervalSince1970: TimeInterval($0))) }, observed: state.observed,
                expected: state.baseline?.expected, deviation: state.baseline?.deviation, basis: state.baseline?.basis)
        }
    }

    /// `analysis failures` with each source's country when a GeoIP database is configured.
    func placeFailures(_ groups: [FailureGroup]) -> [FailureGroup] {
        guard let context = security.analysis, context.geo != nil else { return groups }
        return groups.map { group in
            var placed = group
            placed.country = context.countryCode(group.sourceIP)
            return placed
        }
    }

    private func liveBindings() -> [Binding] {
        let now = SystemClock.now()
        return service.liveBindings(now: now)
    }

    private func analysisContext() throws -> AnalysisContext {
        guard let context = security.analysis else {
            throw ControlServiceError(status: 503, message: "the analysis is not ready yet", hint: "try again in a moment")
        }
        return context
    }

    private func start(_ since: String, now: Date) throws -> Date {
        guard let date = HistoryTime.resolve(since, now: now) else { throw HistoryQueryProblem("since: \(HistoryTime.problem(since) ?? since)") }
        return date
    }
}
