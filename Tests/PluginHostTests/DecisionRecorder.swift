import Foundation
import SIPWardenPolicy
import Synchronization

/// Collects what a decision sink receives and lets a test wait for it.
final class DecisionRecorder: Sendable {
    private let received = Mutex<[(plugin: String, decision: Decision)]>([])

    var sink: @Sendable ([Decision], String) -> Void {
        { [self] decisions, plugin in
            received.withLock { $0 += decisions.map { (plugin, $0) } }
        }
    }

    var all: [(plugin: String, decision: Decision)] { received.withLock { $0 } }

    /// Waits until `predicate` holds for the received decisions; false on timeout.
    func wait(timeout: TimeInterval = 10, until predicate: ([(plugin: String, decision: Decision)]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(all) { return true }
            usleep(5_000)
        }
        return predicate(all)
    }
}
