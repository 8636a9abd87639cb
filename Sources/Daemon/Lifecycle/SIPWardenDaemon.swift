import Configuration
import ControlAPI
import ControlServer
import Firewall
import Foundation
import History
import Logging
import MetricsServer
import ConsoleServer
import NIOCore
import NIOPosix
import PluginHost
import Registrar
import SecurityLog
import SIPCore
import SIPService
import SIPWardenPolicy
import Store

/// The running daemon: opens the store, restores bindings, listens for SIP on UDP and TCP,
/// serves the control socket, sweeps lapsed bindings, and stops gracefully on a signal.
public final class SIPWardenDaemon: Sendable {
    /// The version reported by the control API.
    public static let version = SIPWardenVersion.current

    private let configuration: DaemonConfiguration
    private let logger: Logger

    /// Creates a daemon that will run with `configuration`.
    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then stops gracefully. Under systemd it notifies
    /// READY/RELOADING/STOPPING and feeds the watchdog (`SystemdNotifier`).
    public func run() async throws {
        let signals = SignalWaiter()
        let systemd = SystemdNotifier(logger: logger)
        let running = try await start()
        let reload = ReloadSignal(signal: SIGHUP) { [logger] in
            logger.info("SIGHUP: reloading policies, the devices file and the GeoIP database, reopening logs")
            logger.notice("audit: policy plugins reloaded", metadata: ["audit": "plugins.reload", "caller": "signal SIGHUP"])
            systemd?.reloading()
            running.reloadPolicies()
            running.reloadAnalysis()
            running.reopenLogs()
            systemd?.notify("READY=1")
        }
        let reopen = ReloadSignal(signal: SIGUSR1) { [logger] in
            logger.info("SIGUSR1: reopening logs")
            running.reopenLogs()
        }
        let watchdog = systemd?.watchdogInterval.map { interval in running.repeatedly(every: interval) { systemd?.notify("WATCHDOG=1") } }
        systemd?.notify("READY=1\nSTATUS=listening\nMAINPID=\(getpid())")
        let signal = await signals.wait()
        systemd?.notify("STOPPING=1")
        reload.cancel()
        reopen.cancel()
        watchdog?.cancel()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        await running.stop()
        logger.info("stopped")
    }

    /// Starts everything and returns a handle that stops it.
    public func start() async throws -> RunningDaemon {
        let startedAt = SystemClock.now()
        try DirectoryCreation.ensure(configuration.dataDirectory, purpose: "data directory")
        let store = try SIPWardenStore(path: configuration.databasePath, durability: configuration.durability)
        let secret = try store.secret(named: "nonce-hmac") {
            var generator = SystemRandomNumberGenerator()
            return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        var registrar = Registrar(
            configuration: configuration.registrar, secret: secret, bindings: try store.loadBindings(),
            subscribers: try store.subscribers(), forceRport: configuration.forceRport
        )
        let now = SystemClock.now()
        let pruned = registrar.reconfigure(configuration.registrar, now: now)
        let lapsed = registrar.expire(now: now)
        try store.apply(pruned.changes + lapsed.changes)
        logger.info("store opened", metadata: [
            "database": "\(configuration.databasePath)", "bindings": "\(registrar.location.count)",
            "subscribers": "\(registrar.directory.count)", "expired_on_start": "\(lapsed.changes.count)",
            "pruned_on_start": "\(pruned.changes.count)",
        ])

        let committer = GroupCommitter(store: store, gatherDelay: .microseconds(configuration.commitDelayMicroseconds))
        let securityLog = try SecurityLog(
            path: configuration.effectiveSecurityLogPath, limits: configuration.securityLogLimits, logger: logger)
        let storedBans = try SecurityCoordinator.storedBans(store)
        let firewall = try FirewallSelection.open(configuration, bans: storedBans, allowed: configuration.trusted)
        logger.log(level: firewall.level, "firewall: \(firewall.explanation)")
        let security = try SecurityCoordinator(
            firewall: firewall.backend, store: store, log: securityLog, trusted: configuration.trusted, logger: logger
        )
        logger.info("firewall ready", metadata: [
            "backend": "\(firewall.backend.name)", "bans_restored": "\(storedBans.count)",
            "trusted": "\(configuration.trusted.map(\.description).joined(separator: ","))",
        ])
        let service = SIPService(registrar: registrar, committer: committer, security: security, configuration: configuration, logger: logger)
        try security.setOperatorTrusted(try store.trustedRanges().compactMap(IPRange.init))
        try service.loadAllowedRanges(try store.allowedRanges())
        let policyHost = DaemonPolicyHost(logger: logger, trusted: { security.isTrusted($0) }) { address in
            service.liveBindingCount(from: address)
        }
        let policies = configuration.effectivePoliciesDirectory
        logger.log(level: policies.configuredButMissing ? .warning : .info, "policies directory: \(policies.explanation)")
        let plugins = PluginHost(
            pluginsDirectory: configuration.effectivePluginsDirectory, policiesDirectory: policies.path ?? "",
            builtIn: PluginHost.shippedPlugins, host: policyHost, logger: logger
        ) { decisions, plugin in security.apply(decisions, plugin: plugin) }
        security.attach(plugins)
        let history = try HistoryWiring.open(configuration, service: service, security: security, logger: logger)
        let alerts = AnalysisWiring.open(configuration, security: security, history: history, logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let background = BackgroundWork()
        var channels: [Channel] = []
        var trunks: TrunkManager?
        do {
            for address in configuration.listen {
                do {
                    channels.append(contentsOf: try await bind(address, service: service, group: group))
                    logger.info("listening", metadata: ["address": "\(address)"])
                } catch let error as ListenError where configuration.listenIsDefault && address.isIPv6 && !error.isAddressInUse {
                    logger.warning("IPv6 listener not opened; continuing on IPv4", metadata: ["address": "\(address)", "error": "\(error)"])
                }
            }
            // Outbound registrations (issue 14): on a thread of their own, DNS lookups block.
            trunks = try TrunkManager.start(configuration: configuration, store: store, security: security, logger: logger)
            let control = service.controlService(
                store: store, configuration: configuration, startedAt: startedAt, logger: logger, trunks: trunks)
            let controlServer = ControlServer(
                socketPath: configuration.effectiveControlSocketPath, service: control, group: group, logger: logger,
                socketGroup: configuration.controlGroup, tcp: try configuration.controlTCPSettings())
            try await controlServer.start()
            let metrics = try await configuration.metricsListen.asyncMap { address in
                try await MetricsServer.start(address: address, group: group, logger: logger) { try await control.stats() }
            }
            logger.info("control socket ready", metadata: ["path": "\(configuration.effectiveControlSocketPath)"])
            let console = try await Self.startConsole(configuration, control: control, group: group, logger: logger)
            // The sweep, the drift check and the keepalive round block (SQLite, netlink, a scan of
            // every binding): they run on the background thread, never on the SIP event loops.
            let sweeper = background.repeatedly(every: .seconds(configuration.sweepInterval), on: group.next()) { service.sweep() }
            let firewallCheck = firewall.nftables.map { [logger] nftables in
                background.repeatedly(every: .seconds(configuration.nftables.checkInterval), on: group.next()) {
                    FirewallSelection.checkDrift(nftables, logger: logger)
                }
            }
            let keepalive = Self.startKeepalive(service: service, configuration: configuration.keepalive, group: group, background: background)
            return RunningDaemon(
                channels: channels, controlServer: controlServer, sweeper: sweeper, keepalive: keepalive, committer: committer,
                store: store, group: group, plugins: plugins, securityLog: securityLog, logger: logger, metrics: metrics,
                firewall: firewall.nftables, firewallCheck: firewallCheck, background: background, history: history, alerts: alerts,
                reloadAnalysis: { [configuration, logger] in AnalysisWiring.reload(configuration, security: security, logger: logger) },
                console: console,
                trunks: trunks
            )
        } catch {
            await trunks?.stop(timeout: 0)
            for channel in channels { try? await channel.close() }
            plugins.shutdown()
            securityLog.close()
            await background.shutdown()
            await committer.drainAndStop()
            await alerts?.finish()
            HistoryWiring.close(history, logger: logger)
            try? store.close()
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Opens one listener; a failure is a `ListenError` naming the address and why.
    private func bind(_ address: ListenAddress, service: SIPService, group: EventLoopGroup) async throws -> [any Channel] {
        do {
            return try await SIPListener.open(address, service: service, configuration: configuration, group: group)
        } catch let error as IOError {
            throw ListenError(address: address.description, errno: error.errnoCode, underlying: "\(error)")
        } catch {
            throw ListenError(address: address.description, errno: 0, underlying: "\(error)")
        }
    }
}

/// A started daemon; `stop()` shuts it down in order (listeners, control, commits, store).
public final class RunningDaemon: Sendable {
    private let channels: [Channel]
    private let controlServer: ControlServer
    private let sweeper: RepeatedTask
    private let keepalive: RepeatedTask?
    private let committer: GroupCommitter
    private let store: SIPWardenStore
    private let group: MultiThreadedEventLoopGroup
    private let plugins: PluginHost
    private let securityLog: SecurityLog
    private let logger: Logger
    private let metrics: MetricsServer?
    private let firewall: NFTablesFirewall?
    private let firewallCheck: RepeatedTask?
    private let background: BackgroundWork
    private let history: HistoryRecorder?
    private let alerts: AlertMonitor?
    private let analysisReload: @Sendable () -> Void
    private let console: ConsoleServer?
    private let trunks: TrunkManager?

    init(channels: [Channel], controlServer: ControlServer, sweeper: RepeatedTask, keepalive: RepeatedTask?, committer: GroupCommitter,
         store: SIPWardenStore, group: MultiThreadedEventLoopGroup, plugins: PluginHost, securityLog: SecurityLog, logger: Logger,
         metrics: MetricsServer? = nil, firewall: NFTablesFirewall? = nil, firewallCheck: RepeatedTask? = nil,
         background: BackgroundWork,
         history: HistoryRecorder? = nil, alerts: AlertMonitor? = nil, reloadAnalysis: @escaping @Sendable () -> Void = {},
         console: ConsoleServer? = nil,
         trunks: TrunkManager? = nil) {
        self.trunks = trunks
        self.console = console
        self.background = background
        self.history = history
        self.alerts = alerts
        self.analysisReload = reloadAnalysis
        self.metrics = metrics
        self.firewall = firewall
        self.firewallCheck = firewallCheck
        self.plugins = plugins
        self.securityLog = securityLog
        self.channels = channels
        self.controlServer = controlServer
        self.sweeper = sweeper
        self.keepalive = keepalive
        self.committer = committer
        self.store = store
        self.group = group
        self.logger = logger
    }

    /// The local addresses of the SIP listeners (useful when a port 0 was asked for), each
    /// once: a UDP address is held by one socket per event loop.
    public var listeningAddresses: [SocketAddress] {
        var seen = Set<SocketAddress>()
        return channels.compactMap(\.localAddress).filter { seen.insert($0).inserted }
    }

    /// Re-reads the policy files (SIGHUP, `sipwardenctl plugins reload`); bindings and bans stay.
    public func reloadPolicies() {
        _ = plugins.reload()
    }

    /// Re-reads the devices file and the GeoIP database (SIGHUP).
    public func reloadAnalysis() {
        analysisReload()
    }

    /// Closes and reopens the log files at their paths (SIGUSR1, SIGHUP), for logrotate.
    public func reopenLogs() {
        securityLog.reopen()
    }

    /// Runs `task` every `interval` on an event loop (the systemd watchdog: a wedged loop
    /// stops the pings).
    func repeatedly(every interval: Duration, _ task: @escaping @Sendable () -> Void) -> RepeatedTask {
        let delay = TimeAmount.nanoseconds(Int64(interval.components.seconds) * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000)
        return group.next().scheduleRepeatedTask(initialDelay: delay, delay: delay) { _ in task() }
    }

    /// Stops accepting, lets in-flight commits finish, closes the store.
    public func stop() async {
        sweeper.cancel()
        firewallCheck?.cancel()
        keepalive?.cancel()
        // Trunks un-REGISTER first (a few seconds at most), while the log still records it.
        await trunks?.stop()
        await background.shutdown()  // a sweep or round under way finishes before the store closes
        for channel in channels { try? await channel.close() }
        try? await controlServer.stop()
        await metrics?.stop()
        await console?.stop()
        plugins.shutdown()
        securityLog.close()
        await committer.drainAndStop()
        await alerts?.finish()
        HistoryWiring.close(history, logger: logger)
        do { try store.close() } catch { logger.error("closing the store failed", metadata: ["error": "\(error)"]) }
        // The nftables table stays (bans hold while the daemon restarts) unless configured otherwise.
        do { try firewall?.shutdown() } catch { logger.error("removing the nftables table failed", metadata: ["error": "\(error)"]) }
        try? await group.shutdownGracefully()
    }
}
