import SIPWardenPolicy

/// Folds events and live-binding samples into per-minute and per-hour rollups: pure logic,
/// the time taken from the events and the samples, so a synthetic sequence gives exact rows.
///
/// Each open step keeps its sources seen and its per-second counts, so distinct sources and
/// the peak rate stay exact while the step is open; `drain` hands out what changed since the
/// last drain and forgets steps that ended more than one step ago.
struct HistoryRollupAccumulator: Sendable {
    /// The rollup steps, in seconds.
    static let steps: [Int64] = [60, 3600]

    private struct Key: Hashable {
        var step: Int64
        var start: Int64
    }

    private struct Bucket {
        var pending: HistoryRollupDelta
        var total: HistoryRollupDelta
        var sources: Set<String> = []
        var perSecond: [Int64: Int] = [:]
        var dirty = false
    }

    private var buckets: [Key: Bucket] = [:]

    init() {}

    /// The start of the step of `stepSeconds` holding `milliseconds`.
    static func start(of milliseconds: Int64, step stepSeconds: Int64) -> Int64 {
        let width = stepSeconds * 1000
        return milliseconds >= 0 ? milliseconds / width * width : ((milliseconds - width + 1) / width) * width
    }

    private mutating func update(at milliseconds: Int64, _ change: (inout Bucket) -> Void) {
        for step in Self.steps {
            let key = Key(step: step, start: Self.start(of: milliseconds, step: step))
            var bucket = buckets[key] ?? Bucket(
                pending: HistoryRollupDelta(stepSeconds: step, startMilliseconds: key.start),
                total: HistoryRollupDelta(stepSeconds: step, startMilliseconds: key.start))
            change(&bucket)
            bucket.dirty = true
            buckets[key] = bucket
        }
    }

    /// Counts `event` into its minute and hour.
    mutating func add(_ event: SecurityEvent) {
        let kind = event.kind
        let second = event.timeMilliseconds >= 0 ? event.timeMilliseconds / 1000 : (event.timeMilliseconds - 999) / 1000
        update(at: event.timeMilliseconds) { bucket in
            func count(_ field: WritableKeyPath<HistoryRollupDelta, Int>) {
                bucket.pending[keyPath: field] += 1
                bucket.total[keyPath: field] += 1
            }
            if HistoryKinds.registrations.contains(kind) { count(\.registrations) }
            if HistoryKinds.refreshes.contains(kind) { count(\.refreshes) }
            if HistoryKinds.removals.contains(kind) { count(\.removals) }
            if HistoryKinds.failures.contains(kind) {
                count(\.failures)
                bucket.pending.failuresByKind[kind, default: 0] += 1
                bucket.total.failuresByKind[kind, default: 0] += 1
            }
            if HistoryKinds.registrations.contains(kind) || HistoryKinds.refreshes.contains(kind) {
                let inSecond = (bucket.perSecond[second] ?? 0) + 1
                bucket.perSecond[second] = inSecond
                if inSecond > bucket.total.peakPerSecond {
                    bucket.total.peakPerSecond = inSecond
                    bucket.pending.peakPerSecond = inSecond
                }
            }
            if !event.sourceIP.isEmpty, bucket.sources.insert(event.sourceIP).inserted {
                bucket.pending.newSources += 1
                bucket.total.newSources += 1
            }
        }
    }

    /// Records that `count` bindings were live at `milliseconds` (the step keeps the latest).
    mutating func sample(activeBindings count: Int, atMilliseconds milliseconds: Int64) {
        update(at: milliseconds) { bucket in
            bucket.pending.activeBindings = count
            bucket.total.activeBindings = count
        }
    }

    /// What changed since the last drain, oldest first; steps that ended more than one step
    /// before `nowMilliseconds` are forgotten (a late event for one starts it afresh).
    mutating func drain(nowMilliseconds: Int64) -> [HistoryRollupDelta] {
        var deltas: [HistoryRollupDelta] = []
        for (key, bucket) in buckets {
            var bucket = bucket
            if bucket.dirty, !bucket.pending.isEmpty { deltas.append(bucket.pending) }
            if key.start + 2 * key.step * 1000 <= nowMilliseconds {
                buckets[key] = nil
                continue
            }
            bucket.pending = HistoryRollupDelta(stepSeconds: key.step, startMilliseconds: key.start)
            bucket.pending.peakPerSecond = 0
            bucket.dirty = false
            buckets[key] = bucket
        }
        return deltas.sorted { ($0.startMilliseconds, $0.stepSeconds) < ($1.startMilliseconds, $1.stepSeconds) }
    }

    /// The totals so far of the minute holding `nowMilliseconds` (for the metrics).
    func minute(at nowMilliseconds: Int64) -> HistoryRollupDelta {
        let start = Self.start(of: nowMilliseconds, step: 60)
        return buckets[Key(step: 60, start: start)]?.total ?? HistoryRollupDelta(stepSeconds: 60, startMilliseconds: start)
    }
}
