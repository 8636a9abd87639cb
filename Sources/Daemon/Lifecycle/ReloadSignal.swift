import Dispatch
import Foundation

/// Calls a handler on every delivery of a signal until cancelled: SIGHUP (re-read the policy
/// files, reopen the logs) and SIGUSR1 (reopen the logs after logrotate moved them).
final class ReloadSignal {
    private let source: any DispatchSourceSignal

    init(signal number: Int32 = SIGHUP, handler: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "sipwarden.signal.\(number)"))
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func cancel() { source.cancel() }
}
