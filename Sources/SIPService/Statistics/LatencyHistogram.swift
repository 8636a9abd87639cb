import Synchronization

/// REGISTER processing times in power-of-two microsecond buckets, lock-free: bucket `i` counts
/// times below 2^i µs (the last one everything longer), plus a running sum for the mean.
final class LatencyHistogram: Sendable {
    /// Number of buckets: up to 2^31 µs (about 36 minutes).
    static let bucketCount = 32
    private let buckets: [AtomicCounterCell]
    private let sumMicroseconds = Atomic<UInt64>(0)
    private let total = Atomic<UInt64>(0)

    /// An empty histogram.
    init() { buckets = (0..<Self.bucketCount).map { _ in AtomicCounterCell() } }

    /// Records one duration.
    func record(microseconds: UInt64) {
        let index = min(Self.bucketCount - 1, microseconds == 0 ? 0 : UInt64.bitWidth - microseconds.leadingZeroBitCount)
        buckets[index].value.wrappingAdd(1, ordering: .relaxed)
        sumMicroseconds.wrappingAdd(microseconds, ordering: .relaxed)
        total.wrappingAdd(1, ordering: .relaxed)
    }

    /// How many durations were recorded.
    var count: Int { Int(total.load(ordering: .relaxed)) }

    /// The mean in milliseconds, nil when empty.
    var meanMilliseconds: Double? {
        let n = total.load(ordering: .relaxed)
        guard n > 0 else { return nil }
        return Double(sumMicroseconds.load(ordering: .relaxed)) / Double(n) / 1000
    }

    /// The upper bound of the bucket holding the `quantile` (0...1), milliseconds; nil when empty.
    func quantileMilliseconds(_ quantile: Double) -> Double? {
        let counts = buckets.map { $0.value.load(ordering: .relaxed) }
        let n = counts.reduce(0, +)
        guard n > 0 else { return nil }
        let rank = UInt64((Double(n) * quantile).rounded(.up))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= max(rank, 1) { return Double(UInt64(1) << UInt64(index)) / 1000 }
        }
        return Double(UInt64(1) << UInt64(Self.bucketCount - 1)) / 1000
    }

    /// Cumulative counts per upper bound in seconds, for a Prometheus histogram.
    var cumulativeBuckets: [(upperBoundSeconds: Double, count: UInt64)] {
        var running: UInt64 = 0
        return buckets.enumerated().map { index, bucket in
            running += bucket.value.load(ordering: .relaxed)
            return (Double(UInt64(1) << UInt64(index)) / 1_000_000, running)
        }
    }

    /// The sum of all durations, seconds.
    var sumSeconds: Double { Double(sumMicroseconds.load(ordering: .relaxed)) / 1_000_000 }
}
