import Dispatch
import Foundation
import SIPWardenPolicy
import Synchronization

/// One plugin's own thread and bounded event queue, so a slow or stuck plugin delays nobody
/// else: the host appends events here (never blocking; overflow is dropped and counted) and the
/// thread calls the plugin's `handle` for each, and `tick` about once a tick interval.
///
/// While a call is in progress the worker records when it started (``callStarted(now:)``); the
/// host's watchdog reads that to find a plugin that has not returned for too long. Such a
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

    /// Calls the plugin once and hands on its decisions (the host's `call`). Returns whether the
    /// worker should go on (false once the plugin was switched off).
    typealias Body = @Sendable (_ call: Call, _ event: SecurityEvent?) -> Bool

    private let name: String
    private let queue: Mutex<BoundedQueue<SecurityEvent>>
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(true)
    private let ticks: Bool
    private let tickInterval: Duration
    /// `DispatchTime.uptimeNanoseconds` when the current call started; 0 while idle.
    private let started = Atomic<UInt64>(0)
    private let current = Atomic<Int>(Call.idle.rawValue)
    /// True while the worker holds events it took off the queue and has not finished.
    private let busy = Atomic<Bool>(false)

    /// - Parameters:
    ///   - ticks: whether the plugin is ticked (exec plugins are not).
    init(name: String, capacity: Int, ticks: Bool, tickInterval: Duration) {
        self.name = name
        self.queue = Mutex(BoundedQueue(capacity: capacity))
        self.ticks = ticks
        self.tickInterval = tickInterval
    }

    /// Starts the thread; `body` is called on it for every event and tick.
    func start(_ body: @escaping Body) {
        let thread = Thread { [self] in self.run(body) }
        thread.name = "plugin-\(name)"
        thread.start()
    }

    /// Queues `event`; false (and counted) when the queue is full or the worker was stopped.
    /// Routine events do not wake the thread at once (see ``PluginHost/routineKinds``).
    @discardableResult
    func submit(_ event: SecurityEvent, routine: Bool) -> Bool {
        guard running.load(ordering: .relaxed) else { return false }
        let (accepted, wasEmpty, count) = queue.withLock { queue -> (Bool, Bool, Int) in
            let wasEmpty = queue.isEmpty
            let accepted = queue.append(event)
            return (accepted, wasEmpty, queue.count)
        }
        if accepted, (wasEmpty && !routine) || count == PluginHost.wakeBatch { wake.signal() }
        return accepted
    }

    /// Events refused because the queue was full.
    var dropped: UInt64 { queue.withLock { $0.dropped } }
    /// Events waiting right now.
    var queued: Int { queue.withLock { $0.count } }
    /// Whether every queued event was handled.
    var isIdle: Bool { queue.withLock { $0.isEmpty } && !busy.load(ordering: .relaxed) }

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

    /// Stops the thread: no more calls after the one in progress; queued events are discarded.
    /// Waits up to `timeout` for the thread to finish; false when it did not (it is stuck in
    /// the plugin and is abandoned).
    @discardableResult
    func stop(timeout: Duration) -> Bool {
        if running.exchange(false, ordering: .relaxed) {
            queue.withLock { queue in while queue.popFirst() != nil {} }
            wake.signal()
        }
        let nanoseconds = max(0, Int(timeout.components.seconds) * 1_000_000_000 + Int(timeout.components.attoseconds / 1_000_000_000))
        guard stopped.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return false }
        stopped.signal()  // a later stop() returns at once too
        return true
    }

    private func run(_ body: Body) {
        defer { stopped.signal() }
        var nextTick = ContinuousClock.now + tickInterval
        while running.load(ordering: .relaxed) {
            let batch = queue.withLock { queue -> [SecurityEvent] in
                let batch = queue.popFirst(upTo: 256)
                if !batch.isEmpty { busy.store(true, ordering: .relaxed) }
                return batch
            }
            for event in batch {
                guard running.load(ordering: .relaxed), perform(.handle, event, body) else { break }
            }
            busy.store(false, ordering: .relaxed)
            guard running.load(ordering: .relaxed) else { return }
            let now = ContinuousClock.now
            if ticks, now >= nextTick {
                guard perform(.tick, nil, body) else { return }
                nextTick = max(nextTick + tickInterval, now)
            }
            if batch.isEmpty {
                let wait = ticks ? min(nextTick - ContinuousClock.now, PluginHost.routineDelay) : PluginHost.routineDelay
                let nanoseconds = max(0, wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000)
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
            }
        }
    }

    private func perform(_ call: Call, _ event: SecurityEvent?, _ body: Body) -> Bool {
        current.store(call.rawValue, ordering: .relaxed)
        started.store(max(1, DispatchTime.now().uptimeNanoseconds), ordering: .relaxed)
        defer {
            started.store(0, ordering: .relaxed)
            current.store(Call.idle.rawValue, ordering: .relaxed)
        }
        return body(call, event)
    }
}
