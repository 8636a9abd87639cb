/// What one step's rollup gained since it was last written: counts to add, sources first
/// seen, the peak so far and the latest binding count. Merging deltas into the stored row
/// (`merged(into:)`) gives the step's totals, however many times the step was flushed.
struct HistoryRollupDelta: Hashable, Sendable {
    /// 60 or 3600.
    var stepSeconds: Int64
    /// The step's start, milliseconds since the Unix epoch.
    var startMilliseconds: Int64
    /// The latest live-binding sample in the step, if any.
    var activeBindings: Int?
    var registrations = 0
    var refreshes = 0
    var removals = 0
    var failures = 0
    var failuresByKind: [String: Int] = [:]
    /// Sources first seen in the step since the last flush.
    var newSources = 0
    /// The step's peak of successful REGISTERs in one second, so far.
    var peakPerSecond = 0

    init(stepSeconds: Int64, startMilliseconds: Int64) {
        self.stepSeconds = stepSeconds
        self.startMilliseconds = startMilliseconds
    }

    /// Whether the delta adds anything.
    var isEmpty: Bool {
        activeBindings == nil && registrations == 0 && refreshes == 0 && removals == 0 && failures == 0 && newSources == 0
            && peakPerSecond == 0
    }

    /// The step's totals: `stored` (nil when the step has no row yet) plus this delta.
    func merged(into stored: HistoryRollupDelta?) -> HistoryRollupDelta {
        guard var total = stored else { return self }
        total.activeBindings = activeBindings ?? total.activeBindings
        total.registrations += registrations
        total.refreshes += refreshes
        total.removals += removals
        total.failures += failures
        total.failuresByKind.merge(failuresByKind, uniquingKeysWith: +)
        total.newSources += newSources
        total.peakPerSecond = max(total.peakPerSecond, peakPerSecond)
        return total
    }
}
