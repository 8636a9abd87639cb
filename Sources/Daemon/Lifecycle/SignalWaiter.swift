import Dispatch
import Foundation

/// Waits for SIGTERM or SIGINT, so the daemon can stop gracefully (in-flight commits finish).
final class SignalWaiter {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32] = [SIGTERM, SIGINT]) {
        var continuation: AsyncStream<Int32>.Continuation?
        stream = AsyncStream { continuation = $0 }
        let queue = DispatchQueue(label: "sipwarden.signals")
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation?.yield(number) }
            source.resume()
            return source
        }
    }

    /// Returns the number of the first signal received.
    func wait() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }
}
