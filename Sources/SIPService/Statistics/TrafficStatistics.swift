import SIPWardenPolicy
import Synchronization

/// The figures behind `sipwardenctl stats` and the Prometheus endpoint that the packet path
/// feeds: atomics only, no lock per packet. Events per kind take a lock per recorded batch
/// (the security log already takes one there).
final class TrafficStatistics: Sendable {
    /// REGISTERs answered 2xx, last minute.
    let registersOK = MinuteWindowCounter()
    /// `auth.failed` and `auth.unknown_user` events, last minute.
    let authFailures = MinuteWindowCounter()
    /// REGISTER processing times since the start.
    let registerTimes = LatencyHistogram()
    private let eventCounts = Mutex<[String: Int]>([:])

    /// Event kinds that count as authentication failures.
    static let authFailureKinds: Set<String> = ["auth.failed", "auth.unknown_user"]

    /// Empty statistics.
    init() {}

    /// Counts recorded events by kind, and authentication failures at their time.
    func count(_ events: [SecurityEvent]) {
        guard !events.isEmpty else { return }
        for event in events where Self.authFailureKinds.contains(event.kind) {
            authFailures.add(nowSeconds: event.timeMilliseconds / 1000)
        }
        eventCounts.withLock { counts in
            for event in events { counts[event.kind, default: 0] += 1 }
        }
    }

    /// Records one REGISTER answered with `status`, which took from `started` until now.
    func registerAnswered(status: Int, started: ContinuousClock.Instant, nowSeconds: Int64) {
        let elapsed = (ContinuousClock.now - started).components
        let microseconds = max(0, elapsed.seconds) &* 1_000_000 &+ elapsed.attoseconds / 1_000_000_000_000
        registerTimes.record(microseconds: UInt64(max(0, microseconds)))
        if (200..<300).contains(status) { registersOK.add(nowSeconds: nowSeconds) }
    }

    /// Events recorded since the start, by kind.
    var events: [String: Int] { eventCounts.withLock { $0 } }
}
