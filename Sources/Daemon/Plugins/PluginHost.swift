import Dispatch
import Foundation
import Logging
import SIPWardenPolicy
import Synchronization

/// Runs the policy plugins: loads one plugin per policy file (`rules/policies/*.yaml`) from the
/// plugins directory (or runs its command, for `plugin: exec`), asks them about packets and
/// REGISTER attempts, feeds them events and ticks, and hands their decisions to a sink.
///
/// Threads: ``admit(_:)`` and ``review(_:)`` run on the caller's thread (any, concurrently).
/// ``submit(_:)`` never blocks: events go into a bounded queue (overflow is dropped and
/// counted) that one worker thread drains, calling every plugin's `handle` serially, and
/// `tick` about once a second. The sink is called on that worker thread (and, for exec
/// plugins, on their reader threads): it must be thread-safe and quick.
///
/// A plugin whose `handle` or `tick` throws is disabled, logged, and reported to the sink as a
/// `plugin.failed` event (`.report`); everything else goes on. Reported events
/// (`Decision.report`) are not fed back here by the host itself: the sink records them (giving
/// them an id) and calls ``submit(_:)`` with them, so every plugin sees them once.
public final class PluginHost: Sendable {
    /// Receives a plugin's decisions with the plugin's instance name.
    public typealias DecisionSink = @Sendable ([Decision], _ plugin: String) -> Void

    private let pluginsDirectory: String
    private let policiesDirectory: String
    private let host: any PolicyHost
    private let logger: Logger
    private let onDecisions: DecisionSink
    private let tickInterval: Duration

    private let snapshot: Mutex<Snapshot>
    private let queue: Mutex<BoundedQueue<SecurityEvent>>
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(true)
    /// Serializes reloads (two `plugins reload` at once must not interleave).
    private let reloading = Mutex<Void>(())
    /// Counters; `busy` is true while the worker holds events it has not finished handling.
    private let counters: Mutex<Counters>

    /// The plugins in force: all instances for status, and the loaded ones per call.
    private struct Snapshot: Sendable {
        var instances: [PluginInstance] = []
        var active: [PluginInstance] = []
        var admitters: [any PolicyPlugin] = []
        var reviewers: [any PolicyPlugin] = []

        init(_ instances: [PluginInstance]) {
            self.instances = instances
            active = instances.filter { $0.active != nil }
            admitters = active.filter(\.wantsAdmission).compactMap(\.active)
            reviewers = active.filter { $0.exec == nil }.compactMap(\.active)
        }
    }

    private struct Counters: Sendable {
        var statistics = PluginHostStatistics()
        var busy = false
    }

    /// Loads every policy file in `policiesDirectory` and starts the worker thread.
    /// Files that fail to load are kept as `failed` plugins (see ``plugins``); the host runs
    /// with the rest. Call ``shutdown()`` to stop it.
    /// - Parameters:
    ///   - pluginsDirectory: where `libsipwarden-NAME.so` files are (by default the daemon's own directory).
    ///   - policiesDirectory: where the policy files are (`rules/policies`).
    ///   - host: what plugins may ask the daemon. Plugins' log lines go to `logger` with
    ///     `plugin` metadata, not to `host.log`.
    ///   - queueCapacity: events buffered for the worker; overflow is dropped and counted.
    ///   - tickInterval: how often plugins are ticked.
    ///   - onDecisions: the decision sink.
    public init(
        pluginsDirectory: String, policiesDirectory: String, host: any PolicyHost, logger: Logger,
        queueCapacity: Int = 65_536, tickInterval: Duration = .seconds(1),
        onDecisions: @escaping DecisionSink
    ) {
        self.pluginsDirectory = pluginsDirectory
        self.policiesDirectory = policiesDirectory
        self.host = host
        self.logger = logger
        self.onDecisions = onDecisions
        self.tickInterval = tickInterval
        self.snapshot = Mutex(Snapshot([]))
        self.queue = Mutex(BoundedQueue(capacity: queueCapacity))
        self.counters = Mutex(Counters())
        reload()
        let thread = Thread { [self] in self.runWorker() }
        thread.name = "plugin-host"
        thread.start()
    }

    // MARK: calls on the packet path

    /// Asks every plugin that wants admission about a packet: any drop wins, then any reject
    /// (the longest Retry-After), else accept.
    public func admit(_ packet: PacketInfo) -> Admission {
        let admitters = snapshot.withLock { $0.admitters }
        var result = Admission.accept
        for plugin in admitters {
            switch plugin.admit(packet) {
            case .accept: continue
            case .drop: return .drop
            case .reject(let seconds):
                if case .reject(let current) = result, current >= seconds { continue }
                result = .reject(retryAfterSeconds: seconds)
            }
        }
        return result
    }

    /// Asks every plugin about an authenticated REGISTER; the first refusal (in policy file
    /// order) wins. Exec plugins are not asked (they cannot answer synchronously).
    public func review(_ attempt: RegisterAttempt) -> Review {
        let reviewers = snapshot.withLock { $0.reviewers }
        for plugin in reviewers {
            let review = plugin.review(attempt)
            if case .refuse = review { return review }
        }
        return .allow
    }

    /// Queues an event for the plugins; never blocks. When the queue is full the event is
    /// dropped and counted (``statistics``).
    public func submit(_ event: SecurityEvent) {
        let (wasEmpty, count) = queue.withLock { queue -> (Bool, Int) in
            let wasEmpty = queue.isEmpty
            queue.append(event)
            return (wasEmpty, queue.count)
        }
        // Routine events (a phone registering, a challenge) wait for the worker's next round,
        // at most `routineDelay` away: waking it per event would cost the packet path a futex
        // and a context switch each. Anything a ban may hinge on wakes it at once.
        if (wasEmpty && !Self.routineKinds.contains(event.kind)) || count == Self.wakeBatch { wake.signal() }
    }

    /// Event kinds that never need a plugin's immediate attention.
    static let routineKinds: Set<String> = [
        "register.accepted", "register.refreshed", "register.removed", "register.expired", "auth.challenged",
    ]
    /// How long a routine event may wait for the worker, and how many wake it early.
    static let routineDelay = Duration.milliseconds(5)
    static let wakeBatch = 256

    // MARK: status

    /// Every policy file's plugin: name, version, file, state (for `sipwardenctl plugins list`).
    public var plugins: [PluginStatus] { snapshot.withLock { $0.instances }.map(\.status) }

    /// The host's counters.
    public var statistics: PluginHostStatistics {
        let dropped = queue.withLock { ($0.dropped, $0.count) }
        var statistics = counters.withLock { $0.statistics }
        statistics.eventsDropped = dropped.0
        statistics.eventsQueued = dropped.1
        return statistics
    }

    /// Waits until every event submitted so far was handled; false on timeout. For tests,
    /// benchmarks and an orderly shutdown.
    @discardableResult
    public func flush(timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let idle = queue.withLock { $0.isEmpty } && !counters.withLock { $0.busy }
            if idle { return true }
            usleep(1000)
        }
        return false
    }

    // MARK: lifecycle

    /// Re-reads the policy files: new files are loaded, removed ones unloaded, changed ones
    /// (or ones that failed or were disabled after throwing) recreated; unchanged loaded plugins
    /// keep their instance and state. Registrations and bans are not touched. Returns the new
    /// status of every plugin.
    @discardableResult
    public func reload() -> [PluginStatus] {
        reloading.withLock { _ in
            let old = snapshot.withLock { $0.instances }
            var previous: [String: PluginInstance] = [:]
            for instance in old { previous[instance.policy.path] = instance }

            let paths: [String]
            do { paths = try PolicyFile.paths(in: policiesDirectory) } catch {
                logger.error("cannot read the policies directory; plugins unchanged", metadata: ["error": "\(error)"])
                return old.map(\.status)
            }
            var instances: [PluginInstance] = []
            for path in paths {
                let policy: PolicyFile
                do throws(PolicyConfigurationError) { policy = try PolicyFile.load(path: path) } catch {
                    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                    logger.error("policy file refused", metadata: ["plugin": "\(name)", "error": "\(error)"])
                    instances.append(PluginInstance(
                        policy: PolicyFile(path: path, name: name, plugin: "", enabled: false, settings: [:], command: [], queue: 1),
                        file: path, plugin: nil, exec: nil, state: .failed(error: error.description)))
                    continue
                }
                // Unchanged and running (or unchanged and switched off on purpose): keep it, with
                // its state. Anything else, including a plugin disabled after throwing, starts afresh.
                if let existing = previous[path], existing.policy == policy, existing.state.isLoaded || !policy.enabled {
                    instances.append(existing)
                    previous[path] = nil
                    continue
                }
                instances.append(instantiate(policy))
            }
            snapshot.withLock { $0 = Snapshot(instances) }
            // Whatever was replaced or removed stops now that nobody can reach it.
            let kept = Set(instances.map(ObjectIdentifier.init))
            for instance in old where !kept.contains(ObjectIdentifier(instance)) {
                instance.exec?.stop()
            }
            let statuses = instances.map(\.status)
            logger.info("plugins loaded", metadata: [
                "loaded": "\(statuses.filter { $0.state.isLoaded }.map(\.name).joined(separator: ","))",
                "not_loaded": "\(statuses.filter { !$0.state.isLoaded }.map(\.name).joined(separator: ","))",
            ])
            return statuses
        }
    }

    /// Stops the worker thread and every exec plugin's command; waits for them. Events still
    /// queued are handled first (up to a few seconds).
    public func shutdown() {
        flush(timeout: .seconds(5))
        guard running.exchange(false, ordering: .relaxed) else { return }
        wake.signal()
        stopped.wait()
        for instance in snapshot.withLock({ $0.instances }) { instance.exec?.stop() }
    }

    private func instantiate(_ policy: PolicyFile) -> PluginInstance {
        if !policy.enabled {
            return PluginInstance(policy: policy, file: libraryPath(policy), plugin: nil, exec: nil,
                                  state: .disabled(reason: "enabled: false in \(policy.path)"))
        }
        if policy.isExec {
            let name = policy.name
            let sink = onDecisions
            let exec = ExecPlugin(name: name, command: policy.command, queueCapacity: policy.queue, logger: logger) { decisions in
                sink(decisions, name)
            }
            return PluginInstance(policy: policy, file: policy.command[0], plugin: exec, exec: exec, state: .loaded)
        }
        let path = libraryPath(policy)
        do {
            let plugin = try PluginLoader.load(library: path, configuration: policy.configuration,
                                               host: PluginScopedHost(base: host, plugin: policy.name, logger: logger))
            logger.info("plugin loaded", metadata: ["plugin": "\(policy.name)", "version": "\(plugin.version)", "file": "\(path)"])
            return PluginInstance(policy: policy, file: path, plugin: plugin, exec: nil, state: .loaded)
        } catch {
            logger.error("plugin refused", metadata: ["plugin": "\(policy.name)", "error": "\(error)"])
            return PluginInstance(policy: policy, file: path, plugin: nil, exec: nil, state: .failed(error: error.description))
        }
    }

    private func libraryPath(_ policy: PolicyFile) -> String {
        (pluginsDirectory as NSString).appendingPathComponent(PluginLoader.libraryFileName(plugin: policy.plugin))
    }

    // MARK: the worker

    private func runWorker() {
        var nextTick = ContinuousClock.now + tickInterval
        while running.load(ordering: .relaxed) {
            let batch = queue.withLock { queue -> [SecurityEvent] in
                let batch = queue.popFirst(upTo: 256)
                if !batch.isEmpty { counters.withLock { $0.busy = true } }
                return batch
            }
            if !batch.isEmpty {
                let active = snapshot.withLock { $0.active }
                for event in batch {
                    for instance in active { call(instance, "handle") { try $0.handle(event) } }
                }
                counters.withLock {
                    $0.statistics.eventsHandled += UInt64(batch.count)
                    $0.busy = false
                }
            }
            let now = ContinuousClock.now
            if now >= nextTick {
                let milliseconds = host.nowMilliseconds()
                for instance in snapshot.withLock({ $0.active }) where instance.exec == nil {
                    call(instance, "tick") { try $0.tick(nowMilliseconds: milliseconds) }
                }
                nextTick = max(nextTick + tickInterval, now)
            }
            if batch.isEmpty {
                let wait = min(nextTick - ContinuousClock.now, Self.routineDelay)
                let nanoseconds = max(0, wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000)
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
            }
        }
        stopped.signal()
    }

    /// Calls one plugin; its decisions go to the sink, a throw disables it.
    private func call(_ instance: PluginInstance, _ what: String, _ body: (any PolicyPlugin) throws -> [Decision]) {
        guard let plugin = instance.active else { return }
        if what == "handle" { instance.eventsHandled.add(1, ordering: .relaxed) }
        do {
            let decisions = try body(plugin)
            guard !decisions.isEmpty else { return }
            instance.decisions.add(UInt64(decisions.count), ordering: .relaxed)
            counters.withLock { $0.statistics.decisions += UInt64(decisions.count) }
            onDecisions(decisions, instance.name)
        } catch {
            disable(instance, reason: "\(what) threw: \(error)")
        }
    }

    private func disable(_ instance: PluginInstance, reason: String) {
        instance.state = .disabled(reason: reason)
        snapshot.withLock { $0 = Snapshot($0.instances) }
        counters.withLock { $0.statistics.pluginFailures += 1 }
        logger.error("plugin disabled", metadata: ["plugin": "\(instance.name)", "reason": "\(reason)"])
        let event = SecurityEvent(
            timeMilliseconds: host.nowMilliseconds(), kind: SecurityEventKind.pluginFailed, sourceIP: "", sourcePort: 0,
            transport: "", detail: "\(instance.name): \(reason)")
        onDecisions([.report(event)], instance.name)
    }
}
