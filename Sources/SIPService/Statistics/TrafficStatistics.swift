import SIPWardenPolicy
import Synchronization

/// The figures behind `sipwardenctl stats` and the Prometheus endpoint that the packet path
/// feeds: atomics only, no lock per packet. Events of the schema's kinds are counted in one
/// atomic word per kind; only kinds outside it (none the daemon emits today) take a lock.
final class TrafficStatistics: Sendable {
    /// REGISTERs answered 2xx, last minute.
    let registersOK = MinuteWindowCounter()
    /// `auth.failed` and `auth.unknown_user` events, last minute.
    let authFailures = MinuteWindowCounter()
    /// REGISTER processing times since the start.
    let registerTimes = LatencyHistogram()
    /// Events per kind of `SecurityEventKind.all`, in that order.
    private let knownCounts: [AtomicCounterCell]
    /// Events of other kinds.
    private let otherCounts = Mutex<[String: Int]>([:])

    /// Event kinds that count as authentication failures.
    static let authFailureKinds: Set<String> = ["auth.failed", "auth.unknown_user"]
    /// Each kind of `SecurityEventKind.all` with its index in `knownCounts` and whether it is
    /// an authentication failure.
    private static let kindIndex: [String: (index: Int, isAuthFailure: Bool)] = Dictionary(
        SecurityEventKind.all.enumerated().map { ($0.element, ($0.offset, authFailureKinds.contains($0.element))) },
        uniquingKeysWith: { first, _ in first }
    )

    /// Empty statistics.
    init() { knownCounts = SecurityEventKind.all.map { _ in AtomicCounterCell() } }

    /// Counts recorded events by kind, and authentication failures at their time.
    func count(_ events: [SecurityEvent]) {
        for event in events {
            if let known = Self.kindIndex[event.kind] {
                knownCounts[known.index].value.wrappingAdd(1, ordering: .relaxed)
                if known.isAuthFailure { authFailures.add(nowSeconds: event.timeMilliseconds / 1000) }
            } else {
                if Self.authFailureKinds.contains(event.kind) { authFailures.add(nowSeconds: event.timeMilliseconds / 1000) }
                otherCounts.withLock { $0[event.kind, default: 0] += 1 }
            }
        }
    }

    /// Records one REGISTER answered with `status`, which took from `started` until now.
    func registerAnswered(status: Int, started: ContinuousClock.Instant, nowSeconds: Int64) {
        let elapsed = (ContinuousClock.now - started).components
        let microseconds = max(0, elapsed.seconds) &* 1_000_000 &+ elapsed.attoseconds / 1_000_000_000_000
        registerTimes.record(microseconds: UInt64(max(0, microseconds)))
        if (200..<300).contains(status) { registersOK.add(nowSeconds: nowSeconds) }
    }

    /// Events recorded since the start, by kind (kinds never recorded are absent).
    var events: [String: Int] {
        var counts = otherCounts.withLock { $0 }
        for (index, kind) in SecurityEventKind.all.enumerated() {
            let count = knownCounts[index].value.load(ordering: .relaxed)
            if count > 0 { counts[kind, default: 0] += Int(clamping: count) }
        }
        return counts
    }
}
