import ControlAPI
import ControlServer
import Foundation
import History

/// The control API's history and analysis routes, read from the history file (a reader
/// connection of its own: never the bindings' writer, never the SIP path).
extension DaemonControlService {
    func history(_ query: HistoryQuery) async throws -> [HistoryEventInfo] {
        try historyStore().events(query, now: Date())
    }

    func trend(_ query: AnalysisQuery) async throws -> TrendReport {
        try historyStore().trend(query, now: Date())
    }

    func failures(_ query: AnalysisQuery) async throws -> [FailureGroup] {
        placeFailures(try historyStore().failures(query, now: Date()))
    }

    /// The history store, or 409 saying how to turn it on.
    func historyStore() throws -> HistoryStore {
        guard let recorder = security.history else {
            throw ControlServiceError(
                status: 409, message: "the registration history is disabled (history.enabled: false)",
                hint: "set history.enabled: true in the configuration and restart the daemon")
        }
        return recorder.store
    }
}
