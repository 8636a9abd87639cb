import Dispatch
import Foundation
import Logging
import SIPWardenPolicy
import Synchronization

/// Runs the policy plugins: one per policy file (`*.yaml` in the policies directory) loaded
/// from the plugins directory (or its command run, for `plugin: exec`), plus every shipped
/// plugin no policy file names, on its built-in defaults: a policy file tunes a plugin or
/// switches it off (`enabled: false`), it never decides whether the daemon is protected. The
/// host asks the plugins about packets and REGISTER attempts, feeds them events and ticks, and
/// hands their decisions to a sink (a plugin with `enforce: false` has its bans turned into
/// `ban.would_add` reports instead).
///
/// Threads: ``admit(_:)`` and ``review(_:)`` run on the caller's thread (any, concurrently).
/// ``submit(_:)`` never blocks: it publishes the event once (one lock) to a ring every plugin's
/// own worker thread reads at its own pace within its own bound (what a plugin's bound cannot
/// hold is dropped, oldest first, and counted for it), calling its `handle` serially and `tick` about
/// once a tick interval. The sink is called on those threads (and, for exec plugins, on their
/// reader threads): it must be thread-safe and quick. A worker hands the sink the decisions of
/// everything it took off its queue at once (one call per batch, not per event), so the sink
/// can make bans from separate events one transaction.
///
/// A plugin whose `handle` or `tick` throws, or does not return within the stall timeout, is
/// disabled, logged, and reported to the sink as a `plugin.failed` event (`.report`);
/// everything else goes on. A stuck plugin's thread cannot be stopped: it is abandoned (no more
/// events, its late decisions discarded). `admit` and `review` are not guarded: a plugin stuck
/// there stalls the packet path that asked. Reported events (`Decision.report`) are not fed
/// back here by the host itself: the sink records them (giving them an id) and calls
/// ``submit(_:)`` with them, so every plugin sees them once.
public final class PluginHost: Sendable {
    /// Receives a plugin's decisions with the plugin's instance name.
    public typealias DecisionSink = @Sendable ([Decision], _ plugin: String) -> Void
    /// Makes a plugin object for a policy instead of loading its library; nil falls back to
    /// the library. A seam for tests and embedders.
    public typealias PluginFactory = @Sendable (_ policy: PolicyFile, _ host: any PolicyHost) -> (any PolicyPlugin)?

    /// The plugins SIPWarden ships (`libsipwarden-NAME.so`), which run on their built-in
    /// defaults when no policy file names them.
    public static let shippedPlugins = ["allowlist", "bruteforce", "hijack", "ratelimit", "scanner"]

    private let pluginsDirectory: String
    /// Where the policy files are read from; empty when there is no policies directory.
    public let policiesDirectory: String
    private let builtIn: [String]
    let host: any PolicyHost
    let logger: Logger
    private let onDecisions: DecisionSink
    private let tickInterval: Duration
    private let queueCapacity: Int
    private let stallTimeout: Duration
    let factory: PluginFactory?

    private let snapshot: Mutex<Snapshot>
    /// Every plugin worker's events: published once for all of them.
    private let events = EventBroadcast(capacity: PolicyFile.maximumQueue)
    private let running = Atomic<Bool>(true)
    private let watchdogStopped = DispatchSemaphore(value: 0)
    /// Serializes reloads (two `plugins reload` at once must not interleave).
    private let reloading = Mutex<Void>(())
    private let eventsAccepted = Atomic<UInt64>(0)
    private let eventsRefused = Atomic<UInt64>(0)
    private let decisionCount = Atomic<UInt64>(0)
    private let failures = Atomic<UInt64>(0)

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

    /// Loads every policy file in `policiesDirectory` (and the built-in plugins no file names)
    /// and starts their workers and the stall watchdog. Files that fail to load are kept as
    /// `failed` plugins (see ``plugins``); the host runs with the rest. Call ``shutdown()``.
    /// - Parameters:
    ///   - pluginsDirectory: where `libsipwarden-NAME.so` files are (by default the daemon's own directory).
    ///   - policiesDirectory: where the policy files are; "" for none.
    ///   - builtIn: plugins that run on their defaults when no policy file names them (the
    ///     daemon passes ``shippedPlugins``).
    ///   - host: what plugins may ask the daemon. Plugins' log lines go to `logger` with
    ///     `plugin` metadata, not to `host.log`.
    ///   - queueCapacity: events a plugin may have unread (unless its policy file's `queue` says
    ///     otherwise); beyond it its oldest unread are dropped and counted.
    ///   - tickInterval: how often plugins are ticked.
    ///   - stallTimeout: how long one `handle` or `tick` may run before the plugin is
    ///     declared stuck, disabled and abandoned.
    ///   - factory: makes plugin objects instead of loading libraries (tests).
    ///   - onDecisions: the decision sink.
    public init(
        pluginsDirectory: String, policiesDirectory: String, builtIn: [String] = [], host: any PolicyHost, logger: Logger,
        queueCapacity: Int = 65_536, tickInterval: Duration = .seconds(1), stallTimeout: Duration = .seconds(5),
        factory: PluginFactory? = nil, onDecisions: @escaping DecisionSink
    ) {
        self.pluginsDirectory = pluginsDirectory
        self.policiesDirectory = policiesDirectory
        self.builtIn = builtIn
        self.host = host
        self.logger = logger
        self.onDecisions = onDecisions
        self.tickInterval = tickInterval
        self.queueCapacity = queueCapacity
        self.stallTimeout = stallTimeout
        self.factory = factory
        self.snapshot = Mutex(Snapshot([]))
        reload()
        let thread = Thread { [self] in self.runWatchdog() }
        thread.name = "plugin-watchdog"
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

    /// Queues an event for every active plugin; never blocks. A plugin whose queue is full
    /// misses the event (counted per plugin and in ``statistics``).
    public func submit(_ event: SecurityEvent) {
        // One lock for every plugin together (the ring each worker reads at its own pace).
        if events.publish(event, routine: Self.routineKinds.contains(event.kind), wakeBatch: Self.wakeBatch) {
            eventsAccepted.add(1, ordering: .relaxed)
        } else {
            eventsRefused.add(1, ordering: .relaxed)
        }
    }

    /// Event kinds that never need a plugin's immediate attention: they wait for the worker's
    /// next round, at most `routineDelay` away (waking it per event would cost the packet path
    /// a futex and a context switch each). Anything a ban may hinge on wakes it at once.
    static let routineKinds: Set<String> = [
        "register.accepted", "register.refreshed", "register.removed", "register.expired", "auth.challenged",
    ]
    /// How long a routine event may wait for the worker, and how many wake it early.
    static let routineDelay = Duration.milliseconds(5)
    static let wakeBatch = 256

    // MARK: status

    /// Every plugin: name, version, file, state, where its configuration comes from (for
    /// `sipwardenctl plugins list`).
    public var plugins: [PluginStatus] { snapshot.withLock { $0.instances }.map(\.status) }

    /// Whether any plugin is loaded and enforcing its bans (the security agent is on).
    public var isProtecting: Bool { snapshot.withLock { $0.active }.contains { $0.policy.enforce } }

    /// The host's counters.
    public var statistics: PluginHostStatistics {
        let instances = snapshot.withLock { $0.instances }
        var statistics = PluginHostStatistics()
        statistics.eventsHandled = eventsAccepted.load(ordering: .relaxed)
        statistics.eventsDropped = eventsRefused.load(ordering: .relaxed)
        statistics.eventsQueued = instances.compactMap { $0.state.isLoaded ? $0.worker?.queued : nil }.max() ?? 0
        statistics.decisions = decisionCount.load(ordering: .relaxed)
        statistics.pluginFailures = failures.load(ordering: .relaxed)
        return statistics
    }

    /// Waits until every event submitted so far was handled by every active plugin; false on
    /// timeout. For tests, benchmarks and an orderly shutdown.
    @discardableResult
    public func flush(timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let active = snapshot.withLock { $0.active }
            if active.allSatisfy({ $0.worker?.isIdle ?? true }) { return true }
            usleep(1000)
        }
        return false
    }

    // MARK: lifecycle

    /// Re-reads the policy files: new files are loaded, removed ones unloaded (a shipped
    /// plugin then runs on its defaults again), changed ones (or ones that failed or were
    /// disabled after throwing) recreated; unchanged loaded plugins keep their instance and
    /// state. A changed file that does not load leaves the running instance on its previous
    /// configuration, marked ``PluginStatus/stale`` with the error. Registrations and bans are
    /// not touched. Returns the new status of every plugin.
    @discardableResult
    public func reload() -> [PluginStatus] {
        reloading.withLock { _ in
            let old = snapshot.withLock { $0.instances }
            var previous: [String: PluginInstance] = [:]
            for instance in old { previous[instance.key] = instance }

            let paths: [String]
            do { paths = try policiesDirectory.isEmpty ? [] : PolicyFile.paths(in: policiesDirectory) } catch {
                logger.error("cannot read the policies directory; plugins unchanged", metadata: ["error": "\(error)"])
                return old.map(\.status)
            }
            var instances: [PluginInstance] = []
            var covered = Set<String>()
            /// The running instance a failed load leaves in place: the same file's, or the
            /// defaults of the shipped plugin the file was meant to tune.
            func predecessor(_ key: String, plugins: [String]) -> PluginInstance? {
                let candidates = [previous[key]] + plugins.map { previous["defaults:\($0)"] }
                return candidates.compactMap { $0 }.first { $0.state.isLoaded }
            }
            func keep(_ instance: PluginInstance, stale error: String) {
                instance.stale = error
                instances.append(instance)
                previous[instance.key] = nil
                logger.error("policy file not applied; the plugin keeps its last good configuration", metadata: [
                    "plugin": "\(instance.name)", "error": "\(error)"])
            }
            for path in paths {
                let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                let policy: PolicyFile
                do throws(PolicyConfigurationError) { policy = try PolicyFile.load(path: path) } catch {
                    // The file is meant for the plugin of its name: that one does not start on
                    // its defaults behind the operator's back.
                    covered.insert(name)
                    if let running = predecessor(path, plugins: [name]) {
                        keep(running, stale: error.description)
                        continue
                    }
                    logger.error("policy file refused", metadata: ["plugin": "\(name)", "error": "\(error)"])
                    instances.append(PluginInstance(
                        policy: PolicyFile(path: path, name: name, plugin: "", enabled: false, settings: [:], command: [], queue: 1),
                        file: path, plugin: nil, exec: nil, state: .failed(error: error.description)))
                    continue
                }
                covered.insert(policy.plugin)
                // Unchanged and running (or unchanged and switched off on purpose): keep it, with
                // its state. Anything else, including a plugin disabled after throwing, starts afresh.
                if let existing = previous[path], existing.policy == policy, existing.state.isLoaded || !policy.enabled {
                    existing.stale = nil
                    instances.append(existing)
                    previous[path] = nil
                    continue
                }
                let made = instantiate(policy)
                if case .failed(let error) = made.state, let running = predecessor(path, plugins: [policy.plugin, name]) {
                    keep(running, stale: error)
                    continue
                }
                instances.append(made)
            }
            for plugin in builtIn where !covered.contains(plugin) {
                let policy = PolicyFile.builtInDefaults(plugin: plugin)
                if let existing = previous[PluginInstance.key(policy)], existing.state.isLoaded {
                    instances.append(existing)
                    previous[existing.key] = nil
                    continue
                }
                instances.append(instantiate(policy))
            }
            instances.sort { $0.name == $1.name ? $0.policy.path < $1.policy.path : $0.name < $1.name }
            for instance in instances where instance.state.isLoaded { start(instance) }
            snapshot.withLock { $0 = Snapshot(instances) }
            // Whatever was replaced or removed stops now that nobody can reach it.
            let kept = Set(instances.map(ObjectIdentifier.init))
            for instance in old where !kept.contains(ObjectIdentifier(instance)) {
                instance.worker?.stop(timeout: .seconds(1))
                instance.exec?.stop()
            }
            let statuses = instances.map(\.status)
            logger.info("plugins loaded", metadata: [
                "policies_dir": "\(policiesDirectory.isEmpty ? "(none)" : policiesDirectory)",
                "loaded": "\(statuses.filter { $0.state.isLoaded }.map(\.name).joined(separator: ","))",
                "on_defaults": "\(statuses.filter { $0.state.isLoaded && $0.onDefaults }.map(\.name).joined(separator: ","))",
                "not_loaded": "\(statuses.filter { !$0.state.isLoaded }.map(\.name).joined(separator: ","))",
            ])
            warnIfUnprotected(statuses)
            return statuses
        }
    }

    /// The warning every start and reload repeats while no plugin runs.
    private func warnIfUnprotected(_ statuses: [PluginStatus]) {
        guard !statuses.contains(where: { $0.state.isLoaded && $0.enforce }) else { return }
        let off = statuses.map { "\($0.name) (\($0.state))" }.joined(separator: "; ")
        logger.warning("""
            security agent: no policy plugin active: attackers are not banned. \
            Plugins: \(off.isEmpty ? "none" : off). To fix: remove `enabled: false` and `enforce: false` from (or fix) the policy files in \
            \(policiesDirectory.isEmpty ? "the policies directory (--policies-dir)" : policiesDirectory), \
            make sure libsipwarden-*.so are in \(pluginsDirectory), then run `sipwardenctl plugins reload`
            """)
    }

    /// Stops the watchdog, every plugin's worker (a stuck one is abandoned) and every exec
    /// plugin's command; waits for them. Events still queued are handled first (up to a few seconds).
    public func shutdown() {
        flush(timeout: .seconds(5))
        guard running.exchange(false, ordering: .relaxed) else { return }
        watchdogStopped.wait()
        for instance in snapshot.withLock({ $0.instances }) {
            instance.worker?.stop(timeout: .seconds(1))
            instance.exec?.stop()
        }
    }

    private func instantiate(_ policy: PolicyFile) -> PluginInstance {
        if !policy.enabled {
            return PluginInstance(policy: policy, file: libraryPath(policy), plugin: nil, exec: nil,
                                  state: .disabled(reason: "enabled: false in \(policy.path)"))
        }
        let worker = PluginWorker(name: policy.name, events: events, capacity: policy.workerQueue ?? queueCapacity,
                                  ticks: !policy.isExec, tickInterval: tickInterval)
        if policy.isExec {
            let name = policy.name
            let sink = onDecisions
            let enforce = policy.enforce
            let file = policy.path
            let host = host
            let exec = ExecPlugin(
                name: name, command: policy.command, queueCapacity: policy.queue, logger: logger,
                onRestart: { exit, delay in
                    let event = SecurityEvent(
                        timeMilliseconds: host.nowMilliseconds(), kind: SecurityEventKind.pluginRestarted, sourceIP: "", sourcePort: 0,
                        transport: "", detail: "\(name): command \(exit); restarting in \(delay.components.seconds)s")
                    sink([.report(event)], name)
                }
            ) { decisions in
                sink(enforce ? decisions : Self.dryRun(decisions, plugin: name, file: file), name)
            }
            return PluginInstance(policy: policy, file: policy.command[0], plugin: exec, exec: exec, state: .loaded, worker: worker)
        }
        let path = libraryPath(policy)
        let scoped = PluginScopedHost(base: host, plugin: policy.name, logger: logger)
        do {
            let plugin: any PolicyPlugin
            if let made = factory?(policy, scoped) {
                plugin = made
            } else {
                plugin = try PluginLoader.load(library: path, configuration: policy.configuration, host: scoped)
            }
            logger.info("plugin loaded", metadata: [
                "plugin": "\(policy.name)", "version": "\(plugin.version)", "file": "\(path)",
                "policy": "\(policy.isBuiltInDefaults ? "(built-in defaults)" : policy.path)", "enforce": "\(policy.enforce)"])
            return PluginInstance(policy: policy, file: path, plugin: plugin, exec: nil, state: .loaded, worker: worker)
        } catch {
            logger.error("plugin refused", metadata: ["plugin": "\(policy.name)", "error": "\(error)"])
            return PluginInstance(policy: policy, file: path, plugin: nil, exec: nil, state: .failed(error: error.description))
        }
    }

    func libraryPath(_ policy: PolicyFile) -> String {
        (pluginsDirectory as NSString).appendingPathComponent(PluginLoader.libraryFileName(plugin: policy.plugin))
    }

    /// A dry run's decisions: bans become `ban.would_add` reports, unbans are dropped (the plugin
    /// banned nothing, so it has nothing to lift); alerts and reports pass unchanged.
    static func dryRun(_ decisions: [Decision], plugin: String, file: String) -> [Decision] {
        decisions.compactMap { decision in
            switch decision {
            case .ban(let request):
                let target = request.target
                return .report(SecurityEvent(
                    timeMilliseconds: 0, kind: SecurityEventKind.banWouldAdd, sourceIP: target.isSingleAddress ? target.network.description : "",
                    sourcePort: 0, transport: "", username: plugin,
                    detail: "\(target) for \(request.seconds)s: \(request.reason) (not applied: enforce: false in \(file))"))
            case .unban: return nil
            case .alert, .report: return decision
            }
        }
    }

    // MARK: the workers

    private func start(_ instance: PluginInstance) {
        guard let worker = instance.worker, !instance.workerStarted.exchange(true, ordering: .relaxed) else { return }
        worker.start({ [self] call, event in
            switch call {
            case .handle:
                guard let event else { return [] }
                return self.call(instance, "handle") { try $0.handle(event) }
            case .tick:
                let milliseconds = host.nowMilliseconds()
                return self.call(instance, "tick") { try $0.tick(nowMilliseconds: milliseconds) }
            case .idle:
                return []
            }
        }, deliver: { [self] decisions in deliver(decisions, from: instance) })
    }

    /// Calls one plugin and returns its decisions (as its `enforce` makes them); a throw
    /// disables it. Nil when the plugin is no longer loaded (a stuck plugin declared so
    /// meanwhile has its decisions discarded).
    private func call(_ instance: PluginInstance, _ what: String, _ body: (any PolicyPlugin) throws -> [Decision]) -> [Decision]? {
        guard let plugin = instance.active else { return nil }
        if what == "handle" { instance.eventsHandled.add(1, ordering: .relaxed) }
        do {
            let decisions = try body(plugin)
            instance.worker?.pluginReturned()
            guard instance.state.isLoaded else { return nil }
            guard !decisions.isEmpty else { return [] }
            instance.decisions.add(UInt64(decisions.count), ordering: .relaxed)
            decisionCount.add(UInt64(decisions.count), ordering: .relaxed)
            return instance.policy.enforce ? decisions : Self.dryRun(decisions, plugin: instance.name, file: instance.policy.path)
        } catch {
            disable(instance, reason: "\(what) threw: \(error)")
            return nil
        }
    }

    /// Hands a batch of one plugin's decisions to the sink, unless the plugin was switched off
    /// meanwhile; returns whether it is still loaded.
    private func deliver(_ decisions: [Decision], from instance: PluginInstance) -> Bool {
        guard instance.state.isLoaded else { return false }
        if !decisions.isEmpty { onDecisions(decisions, instance.name) }
        return true
    }

    private func disable(_ instance: PluginInstance, reason: String) {
        let changed = snapshot.withLock { snapshot -> Bool in
            guard instance.state.isLoaded else { return false }
            instance.state = .disabled(reason: reason)
            snapshot = Snapshot(snapshot.instances)
            return true
        }
        guard changed else { return }
        failures.add(1, ordering: .relaxed)
        logger.error("plugin disabled", metadata: ["plugin": "\(instance.name)", "reason": "\(reason)"])
        let event = SecurityEvent(
            timeMilliseconds: host.nowMilliseconds(), kind: SecurityEventKind.pluginFailed, sourceIP: "", sourcePort: 0,
            transport: "", detail: "\(instance.name): \(reason)")
        onDecisions([.report(event)], instance.name)
        if !isProtecting { warnIfUnprotected(plugins) }
    }

    /// `5`, `0.3`: seconds with at most one decimal.
    static func seconds(_ duration: Duration) -> String {
        let tenths = (duration.components.seconds * 10) + duration.components.attoseconds / 100_000_000_000_000_000
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }

    /// Every quarter of the stall timeout (at most 250 ms), looks for a plugin whose current
    /// `handle` or `tick` has run longer than the stall timeout: it is disabled and its
    /// worker abandoned.
    private func runWatchdog() {
        defer { watchdogStopped.signal() }
        let period = min(stallTimeout / 4, .milliseconds(250))
        let microseconds = max(1000, period.components.seconds * 1_000_000 + period.components.attoseconds / 1_000_000_000_000)
        while running.load(ordering: .relaxed) {
            usleep(UInt32(clamping: microseconds))
            for instance in snapshot.withLock({ $0.active }) {
                guard let worker = instance.worker, let (call, duration) = worker.callInProgress(), duration >= stallTimeout else { continue }
                disable(instance, reason: "stuck: \(call.name) has not returned for \(Self.seconds(duration)) s "
                    + "(stall timeout \(Self.seconds(stallTimeout)) s); its thread is abandoned")
                worker.stop(timeout: .zero)
            }
        }
    }
}
