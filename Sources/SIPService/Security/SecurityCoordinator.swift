import Firewall
import Foundation
import Logging
import PluginHost
import Registrar
import SecurityLog
import SIPWardenPolicy
import Store
import Synchronization

/// Carries security out: every event goes to the security log and the plugins;
/// every decision (a plugin's or an operator's) goes to the firewall, the store and the log.
///
/// The store is the truth for bans, the firewall its enforcement: bans are restored into the
/// firewall at start and lapsed ones are swept from both. Trusted ranges are never banned.
public final class SecurityCoordinator: Sendable {
    private let firewall: any FirewallBackend
    private let store: SIPWardenStore
    private let log: SecurityLog
    private let logger: Logger
    /// Never-banned ranges and per-phone ranges: what the firewall lets through
    /// (SecurityCoordinator+Access.swift).
    let access: Mutex<AccessRanges>
    private let nextEventID = Atomic<UInt64>(1)
    private let pluginHost = Mutex<PluginHost?>(nil)
    /// Traffic figures for `sipwardenctl stats` and the metrics endpoint.
    let statistics = TrafficStatistics()

    /// Creates the coordinator over `firewall` (bans restored into it already), `store` and
    /// `log`; `trusted` (the configuration's `trusted`) becomes the firewall's allowed set.
    public init(firewall: any FirewallBackend, store: SIPWardenStore, log: SecurityLog, trusted: [IPRange], logger: Logger) throws {
        self.firewall = firewall
        self.store = store
        self.log = log
        self.access = Mutex(AccessRanges(configured: trusted))
        self.logger = logger
        try firewall.setAllowed(trusted)
    }

    /// Hands the firewall its allowed set (for SecurityCoordinator+Access.swift).
    func firewallSetAllowed(_ ranges: [IPRange]) throws { try firewall.setAllowed(ranges) }

    /// The firewall backend's name ("nftables", "memory").
    var firewallName: String { firewall.name }

    /// Connects the plugin host (created after the coordinator, since its decisions come here).
    public func attach(_ host: PluginHost) { pluginHost.withLock { $0 = host } }

    /// The plugin host, once attached.
    var plugins: PluginHost? { pluginHost.withLock { $0 } }

    // MARK: Events

    /// Records events: numbered, logged, and handed to every plugin.
    func record(_ events: [SecurityEvent]) {
        guard !events.isEmpty else { return }
        let host = plugins
        var numbered = events
        for index in numbered.indices {
            numbered[index].id = nextEventID.wrappingAdd(1, ordering: .relaxed).oldValue
        }
        statistics.count(numbered)
        for event in numbered {
            log.record(event)
            host?.submit(event)
        }
    }

    // MARK: The packet path

    /// Whether packets from `address` are to be dropped unread.
    func isBlocked(_ address: IPAddress) -> Bool {
        firewall.isBlocked(address, nowMilliseconds: SystemClock.now().milliseconds)
    }

    /// Whether `address` is in a trusted range.
    public func isTrusted(_ address: IPAddress) -> Bool { access.withLock { $0.isTrusted(address) } }

    // MARK: Decisions

    /// Carries out a plugin's decisions: on the plugin host's thread, or an exec plugin's reader
    /// thread, concurrently (the store, firewall and log it uses are each thread-safe).
    public func apply(_ decisions: [Decision], plugin: String) {
        let now = SystemClock.now()
        for decision in decisions {
            switch decision {
            case .ban(let request):
                let outcome: String
                do {
                    outcome = try ban(request.target, seconds: request.seconds, reason: request.reason, source: plugin,
                                      evidence: request.evidence, now: now) == nil ? "refused: trusted" : "applied"
                } catch {
                    outcome = "failed: \(error)"
                    logger.error("ban not applied", metadata: ["target": "\(request.target)", "plugin": "\(plugin)", "error": "\(error)"])
                }
                log.record(decision, plugin: plugin, timeMilliseconds: now.milliseconds, outcome: outcome)
                logger.notice("audit: plugin ban", metadata: [
                    "audit": "ban.add", "caller": "plugin \(plugin)", "plugin": "\(plugin)", "target": "\(request.target)",
                    "seconds": "\(request.seconds)", "reason": "\(request.reason)", "outcome": "\(outcome)",
                ])
            case .unban(let target, let reason):
                let removed = (try? unban(target, reason: reason, source: plugin, now: now)) ?? false
                logger.notice("audit: plugin unban", metadata: [
                    "audit": "ban.remove", "caller": "plugin \(plugin)", "plugin": "\(plugin)", "target": "\(target)",
                    "reason": "\(reason)", "outcome": "\(removed ? "applied" : "not banned")",
                ])
                log.record(decision, plugin: plugin, timeMilliseconds: now.milliseconds, outcome: removed ? "applied" : "not banned")
            case .alert(let alert):
                log.record(decision, plugin: plugin, timeMilliseconds: now.milliseconds, outcome: nil)
                logger.warning("alert from \(plugin): \(alert.message)", metadata: ["severity": "\(alert.severity)"])
                record([SecurityEvent(timeMilliseconds: now.milliseconds, kind: "alert.raised", sourceIP: "", sourcePort: 0, transport: "",
                                      username: plugin, detail: "\(alert.severity): \(alert.message)")])
            case .report(var event):
                if event.timeMilliseconds == 0 { event.timeMilliseconds = now.milliseconds }  // as docs/plugins.md promises
                record([event])
            }
        }
    }

    /// Bans `target` for `seconds` (extending a shorter ban already in force) and returns the
    /// ban now stored, or nil when the target is trusted and so never banned.
    @discardableResult
    func ban(_ target: IPRange, seconds: Int, reason: String, source: String, evidence: [SecurityEvent], now: Timestamp) throws -> StoredBan? {
        if target.isSingleAddress, isTrusted(target.network) {
            logger.notice("not banning a trusted address", metadata: ["target": "\(target)", "source": "\(source)"])
            return nil
        }
        let evidenceJSON = String(decoding: (try? JSONEncoder().encode(evidence)) ?? Data("[]".utf8), as: UTF8.self)
        let stored = try store.upsertBan(StoredBan(
            target: target.description, createdAt: now, expiresAt: now.adding(seconds: Int64(max(1, seconds))),
            source: source, reason: reason, evidenceJSON: evidenceJSON
        ))
        try firewall.ban([FirewallBan(target: target, expiresAtMilliseconds: stored.expiresAt.milliseconds)])
        record([SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: "ban.added", sourceIP: target.isSingleAddress ? target.network.description : "",
            sourcePort: 0, transport: "", username: source, detail: "\(target) for \(now.secondsUntil(stored.expiresAt))s: \(reason)"
        )])
        return stored
    }

    /// Lifts the ban on `target`; returns whether there was one.
    func unban(_ target: IPRange, reason: String, source: String, now: Timestamp) throws -> Bool {
        let removed = try store.removeBan(target: target.description)
        try firewall.unban([target])
        guard removed != nil else { return false }
        record([SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: "ban.removed", sourceIP: target.isSingleAddress ? target.network.description : "",
            sourcePort: 0, transport: "", username: source, detail: "\(target): \(reason)"
        )])
        return true
    }

    /// The stored bans in force, as firewall entries: what a firewall backend is opened with.
    public static func storedBans(_ store: SIPWardenStore) throws -> [FirewallBan] {
        try store.bans(activeAt: SystemClock.now()).compactMap { ban in
            IPRange(ban.target).map { FirewallBan(target: $0, expiresAtMilliseconds: ban.expiresAt.milliseconds) }
        }
    }

    /// Removes lapsed bans from the store and the firewall, with `ban.expired` events.
    func sweepBans() {
        let now = SystemClock.now()
        do {
            let lapsed = try store.removeExpiredBans(at: now)
            guard !lapsed.isEmpty else { return }
            try firewall.unban(lapsed.compactMap { IPRange($0.target) })
            record(lapsed.map { ban in
                SecurityEvent(timeMilliseconds: now.milliseconds, kind: "ban.expired", sourceIP: IPRange(ban.target)?.isSingleAddress == true ? ban.target : "",
                              sourcePort: 0, transport: "", username: ban.source, detail: "\(ban.target): \(ban.reason)")
            })
        } catch {
            logger.error("sweeping lapsed bans failed", metadata: ["error": "\(error)"])
        }
    }

    /// The bans in force.
    func bans() throws -> [StoredBan] { try store.bans(activeAt: SystemClock.now()) }

    /// The ban on `target` in force, if any.
    func ban(target: String) throws -> StoredBan? { try store.ban(target: target, activeAt: SystemClock.now()) }
}
