import Alerts
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// POSTs alert events as JSON to the `alerts.webhook` URLs, one at a time from a task of its
/// own (never an event loop), through a bounded queue: ``send(_:)`` never waits, and an alert
/// that finds the queue full is dropped and counted. Each POST has a timeout; failures are
/// counted, not retried (the alert is also in the security log and the history).
///
/// The body is the ``AlertEvent`` JSON plus `text` (the message, which Slack and Mattermost
/// incoming webhooks show) and `host` (the daemon's host name).
public final class AlertWebhook: Sendable {
    /// Where alerts go.
    public let urls: [URL]
    /// Seconds a POST may take.
    public let timeout: Double
    private let session: URLSession
    private let continuation: AsyncStream<Data>.Continuation
    private let worker: Mutex<Task<Void, Never>?>
    private let counters = Counters()

    /// The statistics, shared with the sending task.
    private final class Counters: Sendable {
        let state = Mutex(AlertWebhookStatistics())
    }

    /// Starts the sender; `capacity` alerts may wait at most.
    public init(urls: [URL], timeout: Double = 5, capacity: Int = 100) {
        self.urls = urls
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.connectionProxyDictionary = [:]
        session = URLSession(configuration: configuration)
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingOldest(max(1, capacity)))
        self.continuation = continuation
        worker = Mutex(nil)
        let task = Task.detached { [session, urls, timeout, counters] in
            for await body in stream {
                for url in urls {
                    let outcome = await Self.post(body, to: url, session: session, timeout: timeout)
                    counters.state.withLock { statistics in
                        if let failure = outcome {
                            statistics.failed += 1
                            statistics.lastError = "\(url.absoluteString): \(failure)"
                        } else {
                            statistics.delivered += 1
                        }
                    }
                }
            }
        }
        worker.withLock { $0 = task }
    }

    /// Queues `event` for every URL; returns false (and counts it) when the queue is full.
    @discardableResult
    public func send(_ event: AlertEvent) -> Bool {
        guard let body = Self.body(for: event) else { return false }
        switch continuation.yield(body) {
        case .enqueued: return true
        case .dropped, .terminated:
            counters.state.withLock { $0.dropped += 1 }
            return false
        @unknown default:
            return false
        }
    }

    /// What the sender did so far.
    public var statistics: AlertWebhookStatistics { counters.state.withLock { $0 } }

    /// Delivers what is queued (each POST bounded by the timeout), then stops; later sends are dropped.
    public func finish() async {
        continuation.finish()
        let task = worker.withLock { $0 }
        await task?.value
        session.finishTasksAndInvalidate()
    }

    /// The JSON body for `event`.
    static func body(for event: AlertEvent) -> Data? {
        guard let encoded = try? JSONEncoder().encode(event),
              var object = try? JSONSerialization.jsonObject(with: encoded) as? [String: Any] else { return nil }
        object["text"] = "SIPWarden \(event.eventKind): \(event.message)"
        object["host"] = ProcessInfo.processInfo.hostName
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// POSTs `body`; nil on a 2xx answer, else what went wrong.
    private static func post(_ body: Data, to url: URL, session: URLSession, timeout: Double) async -> String? {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("SIPWarden-alerts", forHTTPHeaderField: "User-Agent")
        return await withCheckedContinuation { (done: CheckedContinuation<String?, Never>) in
            let task = session.dataTask(with: request) { _, response, error in
                if let error {
                    done.resume(returning: error.localizedDescription)
                } else if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                    done.resume(returning: "HTTP status \(status)")
                } else {
                    done.resume(returning: nil)
                }
            }
            task.resume()
        }
    }
}
