import Dispatch
import Foundation

/// Calls `reload` on every SIGHUP (re-read the policy files) until cancelled.
final class ReloadSignal {
    private let source: any DispatchSourceSignal

    init(reload: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "sipwarden.sighup"))
        source.setEventHandler(handler: reload)
        source.resume()
    }

    func cancel() { source.cancel() }
}
