import ControlAPI
import Foundation
import WorkerQueue
import Logging
import SIPWardenPolicy
import Synchronization

/// The history's sink for security events: `record` queues the registration-related ones
/// (`HistoryKinds`) and returns at once; one background thread writes them in batches,
/// keeps the per-minute and per-hour rollups (with a sample of the live bindings every
/// second) and runs the retention job every minute. Never blocks the caller: a full queue
/// drops the event and counts it (`statistics.eventsDropped`).
public final class HistoryRecorder: Sendable {
    /// The store written to (and read by the control API).
    public let store: HistoryStore
    private let settings: HistorySettings
    private let queue: BatchQueue<SecurityEvent>
    /// How long the writer gathers events before a write, and how many make it write at once.
    static let batchDelay: TimeInterval = 0.25
    static let batchSize = 2048
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let activeBindings: @Sendable () -> Int?
    private let accounts: @Sendable (Set<String>) -> [String: String]
    private let shared = Mutex(Shared())
    private let stopped = DispatchSemaphore(value: 0)
    /// Seconds between retention runs.
    static let retentionInterval: Int64 = 60

    private struct Shared {
        var written = 0
        var failed = 0
        var retentionDeleted = 0
        var usedBytes: Int64 = 0
        var minute = HistoryRollupDelta(stepSeconds: 60, startMilliseconds: 0)
    }

    /// Starts the writer thread over `store`.
    ///
    /// - Parameters:
    ///   - clock: Milliseconds since the Unix epoch: when samples are taken and retention runs.
    ///   - activeBindings: The live bindings now (called on the writer thread, once a second);
    ///     nil when unknown.
    ///   - accounts: The account tags of the given AORs (called on the writer thread, once a batch).
    public init(
        store: HistoryStore, settings: HistorySettings, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) },
        activeBindings: @escaping @Sendable () -> Int? = { nil },
        accounts: @escaping @Sendable (Set<String>) -> [String: String] = { _ in [:] }
    ) {
        self.store = store
        self.settings = settings
        self.queue = BatchQueue(capacity: settings.queueCapacity, batchDelay: Self.batchDelay, batchSize: Self.batchSize)
        self.logger = logger
        self.clock = clock
        self.activeBindings = activeBindings
        self.accounts = accounts
        let thread = Thread { [self] in self.run() }
        thread.name = "sipwarden-history"
        thread.start()
    }

    /// Queues the events the history keeps; returns at once.
    public func record(_ events: [SecurityEvent]) {
        let kept = events.filter { HistoryKinds.records($0.kind) }
        guard !kept.isEmpty else { return }
        queue.append(contentsOf: kept)
    }

    /// Blocks until every event recorded before the call is written (tests, shutdown).
    public func flush() { queue.waitUntilHandled() }

    /// Writes what is queued, stops the writer thread and waits for it; the store stays open.
    public func close() {
        queue.close()
        stopped.wait()
    }

    /// The figures for `/v1/stats` and `/metrics`.
    public var statistics: HistoryStatsInfo {
        let now = clock()
        let shared = shared.withLock { $0 }
        let minute = shared.minute.startMilliseconds == HistoryRollupAccumulator.start(of: now, step: 60)
            ? shared.minute : HistoryRollupDelta(stepSeconds: 60, startMilliseconds: 0)
        return HistoryStatsInfo(
            eventsWritten: shared.written, eventsDropped: queue.droppedCount + shared.failed, queueDepth: queue.depth,
            databaseBytes: Int(shared.usedBytes), minuteRegistrations: minute.registrations, minuteRefreshes: minute.refreshes,
            minuteRemovals: minute.removals, minuteFailures: minute.failures, minutePeakPerSecond: minute.peakPerSecond,
            retentionDeleted: shared.retentionDeleted)
    }

    // MARK: The writer thread

    private func run() {
        // The lowest CPU priority for this thread alone (Linux threads have their own nice
        // value): under load the SIP path runs first, the queue absorbs bursts, and a queue
        // that stays full drops events (counted) instead of taking CPU from REGISTERs.
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)  // who 0: on Linux, the calling thread
        #endif
        var accumulator = HistoryRollupAccumulator()
        var lastRetention: Int64?
        var lastSample: Int64?
        var events: [SecurityEvent] = []
        while true {
            let stop = queue.take(into: &events, wakeAfter: 1).stop
            let now = clock()
            var rows: [HistoryRow] = []
            if !events.isEmpty {
                let aors = Set(events.compactMap(\.aor).filter { !$0.isEmpty })
                let known = aors.isEmpty ? [:] : accounts(aors)
                rows = events.map { HistoryRow(event: $0, account: $0.aor.flatMap { known[$0] }) }
                for event in events { accumulator.add(event) }
            }
            if lastSample.map({ now - $0 >= 1000 }) ?? true || stop, let count = activeBindings() {
                accumulator.sample(activeBindings: count, atMilliseconds: now)
                lastSample = now
            }
            let deltas = accumulator.drain(nowMilliseconds: now)
            if !rows.isEmpty || !deltas.isEmpty {
                do {
                    try store.append(rows, rollups: deltas)
                    shared.withLock { $0.written += rows.count }
                } catch {
                    shared.withLock { $0.failed += rows.count }
                    logger.error("history: writing \(rows.count) events failed", metadata: ["path": "\(store.path)", "error": "\(error)"])
                }
            }
            let minute = accumulator.minute(at: now)
            shared.withLock { $0.minute = minute }
            queue.finished(events.count)
            if lastRetention.map({ now - $0 >= Self.retentionInterval * 1000 }) ?? true {
                lastRetention = now
                retain(now: now)
            }
            if stop { break }
        }
        stopped.signal()
    }

    private func retain(now: Int64) {
        do {
            let result = try store.enforceRetention(nowMilliseconds: now, settings: settings)
            let deleted = result.expiredEvents + result.cappedEvents
            shared.withLock {
                $0.retentionDeleted += deleted
                $0.usedBytes = result.usedBytes
            }
            if result.cappedEvents > 0 || result.cappedRollups > 0 {
                logger.warning("history: size cap reached; oldest entries deleted", metadata: [
                    "path": "\(store.path)", "max_size": "\(settings.maxSizeBytes)", "events": "\(result.cappedEvents)",
                    "rollups": "\(result.cappedRollups)"])
            }
        } catch {
            logger.error("history: the retention job failed", metadata: ["path": "\(store.path)", "error": "\(error)"])
        }
    }
}
