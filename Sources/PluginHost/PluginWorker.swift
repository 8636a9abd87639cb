import Dispatch
import Foundation
import SIPWardenPolicy
import Synchronization

/// One plugin's own thread, reading the host's ``EventBroadcast`` at its own pace with its own
/// bound, so a slow or stuck plugin delays nobody else: the host publishes each event once for
/// every plugin (never blocking; what a plugin's bound cannot hold is dropped and counted for
/// it) and this thread calls the plugin's `handle` for each, and `tick` about once a tick interval.
///
/// The thread takes what is queued (up to 256 events) and hands the decisions of all of them on
/// together (``Deliver``), so bans from separate events share store transactions and
/// firewall batches; under a flood, the longer the sink takes, the more each batch carries.
/// An idle worker sleeps until its next tick; events wake it (a routine one only when it
/// sleeps that long, see ``PluginHost/routineKinds``), and while events keep coming it looks
/// again every ``PluginHost/routineDelay``.
///
/// While a call is in progress the worker records when it started; the host's watchdog reads
/// that (``callInProgress(now:)``) to find a plugin that has not returned for too long. Such a
/// thread cannot be stopped in Swift: the host stops feeding it and abandons it, and when it
/// ever returns it sees it was stopped and exits without calling the plugin again.
final class PluginWorker: Sendable {
    /// What the worker is calling right now, for the watchdog's report.
    enum Call: Int, Sendable {
        case idle = 0, handle, tick

        var name: String {
            switch self {
            case .idle: "nothing"
            case .handle: "handle"
            case .tick: "tick"
            }
        }
    }

    /// Calls the plugin once (the host's `call`) and returns its decisions, or nil once the
    /// plugin was switched off (the worker stops).
    typealias Body = @Sendable (_ call: Call, _ event: SecurityEvent?) -> [Decision]?
    /// Hands on the decisions of one batch of calls; false once the plugin was switched off.
    typealias Deliver = @Sendable (_ decisions: [Decision]) -> Bool

    /// Decisions wait at most this long for the rest of their batch (a slow plugin's batch).
    static let deliveryDelay = Duration.milliseconds(20)
    /// Events taken off the ring at once.
    static let batchSize = 256

    private let name: String
    private let events: EventBroadcast
    private let limit: Int
    /// The worker's reader in `events`, once started (-1 before).
    private let reader = Atomic<Int>(-1)
    /// What the reader had dropped when it was removed.
    private let droppedAtStop = Atomic<UInt64>(0)
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(true)
    private let ticks: Bool
    private let tickInterval: Duration
    /// `DispatchTime.uptimeNanoseconds` when the current call started; 0 while idle.
    private let started = Atomic<UInt64>(0)
    private let current = Atomic<Int>(Call.idle.rawValue)

    /// - Parameters:
    ///   - events: the host's ring; the worker reads it from ``start(_:deliver:)`` on.
    ///   - capacity: events it may have unread before the oldest are dropped.
    ///   - ticks: whether the plugin is ticked (exec plugins are not).
    init(name: String, events: EventBroadcast, capacity: Int, ticks: Bool, tickInterval: Duration) {
        self.name = name
        self.events = events
        self.limit = capacity
        self.ticks = ticks
        self.tickInterval = tickInterval
    }

    /// Starts reading events and the thread; `body` is called on it for every event and tick,
    /// `deliver` with the decisions of each batch.
    func start(_ body: @escaping Body, deliver: @escaping Deliver) {
        guard running.load(ordering: .relaxed) else { return }
        let id = events.addReader(limit: limit)
        reader.store(id, ordering: .relaxed)
        let thread = Thread { [self] in self.run(body, deliver: deliver, reader: id) }
        thread.name = "plugin-\(name)"
        thread.start()
    }

    /// Events lost because the worker was its bound behind.
    var dropped: UInt64 {
        let id = reader.load(ordering: .relaxed)
        guard id >= 0, running.load(ordering: .relaxed) else { return droppedAtStop.load(ordering: .relaxed) }
        return max(events.dropped(id), droppedAtStop.load(ordering: .relaxed))
    }
    /// Events waiting right now.
    var queued: Int {
        let id = reader.load(ordering: .relaxed)
        return id >= 0 ? events.unread(id) : 0
    }
    /// Whether every event published so far was handled (and its decisions handed on).
    var isIdle: Bool {
        let id = reader.load(ordering: .relaxed)
        return id < 0 || events.isIdle(id)
    }

    /// The call in progress and how long it has run, or nil while idle.
    func callInProgress(now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> (call: Call, running: Duration)? {
        let since = started.load(ordering: .relaxed)
        guard since != 0, now > since else { return nil }
        return (Call(rawValue: current.load(ordering: .relaxed)) ?? .idle, .nanoseconds(Int64(now - since)))
    }

    /// Marks the plugin's call as returned while the worker still hands its decisions on: the
    /// time the sink takes (a slow store) is not the plugin's and never counts as a stall.
    func pluginReturned() {
        started.store(0, ordering: .relaxed)
    }

    /// Stops the thread: no more calls after the one in progress; unread events are discarded.
    /// Waits up to `timeout` for the thread to finish; false when it did not (it is stuck in
    /// the plugin and is abandoned).
    @discardableResult
    func stop(timeout: Duration) -> Bool {
        if running.exchange(false, ordering: .relaxed) { leave() }
        guard reader.load(ordering: .relaxed) >= 0 else { return true }  // never started
        let nanoseconds = max(0, Int(timeout.components.seconds) * 1_000_000_000 + Int(timeout.components.attoseconds / 1_000_000_000))
        guard stopped.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return false }
        stopped.signal()  // a later stop() returns at once too
        return true
    }

    /// Stops reading the ring (waking the thread if it waits there), keeping the drop count.
    private func leave() {
        let id = reader.load(ordering: .relaxed)
        guard id >= 0, let dropped = events.removeReader(id) else { return }
        droppedAtStop.store(dropped, ordering: .relaxed)
    }

    private func run(_ body: Body, deliver: Deliver, reader id: Int) {
        defer {
            running.store(false, ordering: .relaxed)
            leave()
            stopped.signal()
        }
        var nextTick = ContinuousClock.now + tickInterval
        var pending: [Decision] = []
        var pendingSince = ContinuousClock.now
        /// Hands on what the batch decided so far; false once the plugin was switched off.
        func handOn() -> Bool {
            guard !pending.isEmpty else { return true }
            defer { pending = [] }
            return deliver(pending)
        }
        func collect(_ decisions: [Decision]) {
            guard !decisions.isEmpty else { return }
            if pending.isEmpty { pendingSince = ContinuousClock.now }
            pending += decisions
        }
        var lastBatchEmpty = true
        while running.load(ordering: .relaxed) {
            // Nothing last time either: sleep until the next tick (an event wakes us). Busy a
            // moment ago: look again soon, so routine events need not wake us one by one.
            let now = ContinuousClock.now
            let untilTick = lastBatchEmpty
            var wait = untilTick ? (ticks ? nextTick - now : .seconds(1)) : PluginHost.routineDelay
            if ticks { wait = min(wait, nextTick - now) }
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            guard let batch = events.take(id, upTo: Self.batchSize, until: Date(timeIntervalSinceNow: max(0, seconds)), untilTick: untilTick) else { return }
            for event in batch {
                // Stopped (a reload replaced the plugin): what it decided so far still counts.
                guard running.load(ordering: .relaxed) else { _ = handOn(); return }
                guard let decisions = perform(.handle, event, body) else { return }
                collect(decisions)
                // A slow plugin's decisions do not wait for the rest of a long batch.
                if ContinuousClock.now - pendingSince >= Self.deliveryDelay, !handOn() { return }
            }
            guard handOn(), running.load(ordering: .relaxed) else { return }
            if ticks, ContinuousClock.now >= nextTick {
                guard let decisions = perform(.tick, nil, body) else { return }
                collect(decisions)
                guard handOn() else { return }
                nextTick = max(nextTick + tickInterval, ContinuousClock.now)
            }
            lastBatchEmpty = batch.isEmpty
        }
    }

    private func perform(_ call: Call, _ event: SecurityEvent?, _ body: Body) -> [Decision]? {
        current.store(call.rawValue, ordering: .relaxed)
        started.store(max(1, DispatchTime.now().uptimeNanoseconds), ordering: .relaxed)
        defer {
            started.store(0, ordering: .relaxed)
            current.store(Call.idle.rawValue, ordering: .relaxed)
        }
        return body(call, event)
    }
}
