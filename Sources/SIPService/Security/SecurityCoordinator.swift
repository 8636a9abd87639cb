import Firewall
import Foundation
import History
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
    private let store: any StoreBackend
    private let log: SecurityLog
    private let logger: Logger
    /// Never-banned ranges and per-phone ranges: what the firewall lets through
    /// (SecurityCoordinator+Access.swift).
    let access: Mutex<AccessRanges>
    private let nextEventID = Atomic<UInt64>(1)
    private let pluginHost = Mutex<PluginHost?>(nil)
    private let historyRecorder = Mutex<HistoryRecorder?>(nil)
    private let analysisContext = Mutex<AnalysisContext?>(nil)
    /// Traffic figures for `sipwardenctl stats` and the metrics endpoint.
    let statistics = TrafficStatistics()

    /// Creates the coordinator over `firewall` (bans restored into it already), `store` and
    /// `log`; `trusted` (the configuration's `trusted`) becomes the firewall's allowed set.
    public init(firewall: any FirewallBackend, store: any StoreBackend, log: SecurityLog, trusted: [IPRange], logger: Logger) throws {
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

    /// Connects the registration history (created after the service, whose bindings it samples).
    public func attach(history: HistoryRecorder) { historyRecorder.withLock { $0 = history } }

    /// The registration history, once attached (nil when `history.enabled` is false).
    public var history: HistoryRecorder? { historyRecorder.withLock { $0 } }

    /// Connects the device rules, the GeoIP database and the alert monitor (issue 13).
    public func attach(analysis: AnalysisContext) { analysisContext.withLock { $0 = analysis } }

    /// The analysis context, once attached.
    public var analysis: AnalysisContext? { analysisContext.withLock { $0 } }

    /// Records events the daemon's own background jobs raise (the alert monitor's alerts).
    public func recordBackground(_ events: [SecurityEvent]) { record(events) }

    // MARK: Events

    /// Records events: numbered, logged, handed to every plugin and queued for the history.
    func record(_ events: [SecurityEvent]) {
        guard !events.isEmpty else { return }
        let host = plugins
        let history = history
        var numbered = events
        for index in numbered.indices {
            numbered[index].id = nextEventID.wrappingAdd(1, ordering: .relaxed).oldValue
        }
        statistics.count(numbered)
        for event in numbered {
            log.record(event)
            host?.submit(event)
        }
        // Queued for the history's writer thread: never a disk write here.
        history?.record(numbered)
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
    ///
    /// The bans up to the next unban (a spray: one decision, twenty addresses; or the decisions
    /// of many events a plugin worker handed on together) are one store transaction and one
    /// firewall batch per ``bansPerTransaction``, not one fsync and one netlink round trip each;
    /// they are applied before the unban that follows them, so an unban after a ban still lifts
    /// it (alerts and reports among them are carried out first). `ban.added` is recorded once the
    /// transaction committed.
    public func apply(_ decisions: [Decision], plugin: String) {
        let now = SystemClock.now()
        var bans: [BanRequest] = []
        for decision in decisions {
            switch decision {
            case .ban(let request):
                bans.append(request)
            case .unban(let target, let reason):
                applyBans(bans, plugin: plugin, now: now)
                bans = []
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
        applyBans(bans, plugin: plugin, now: now)
    }

    /// Bans per store transaction at most: the store has one writer, and the registrar's binding
    /// commits (every 200 OK waits for one) must not queue behind one huge ban transaction.
    static let bansPerTransaction = 32

    /// A plugin's bans: a transaction and a firewall batch per ``bansPerTransaction``, an audit line each.
    private func applyBans(_ requests: [BanRequest], plugin: String, now: Timestamp) {
        guard requests.count <= Self.bansPerTransaction else {
            for start in stride(from: 0, to: requests.count, by: Self.bansPerTransaction) {
                applyBans(Array(requests[start..<min(start + Self.bansPerTransaction, requests.count)]), plugin: plugin, now: now)
            }
            return
        }
        guard !requests.isEmpty else { return }
        let outcomes: [String]
        do {
            outcomes = try ban(requests, source: plugin, now: now).map { $0 == nil ? "refused: trusted" : "applied" }
        } catch {
            outcomes = Array(repeating: "failed: \(error)", count: requests.count)
            logger.error("bans not applied", metadata: [
                "targets": "\(requests.map(\.target.description).joined(separator: ","))", "plugin": "\(plugin)", "error": "\(error)"])
        }
        for (request, outcome) in zip(requests, outcomes) {
            log.record(.ban(request), plugin: plugin, timeMilliseconds: now.milliseconds, outcome: outcome)
            logger.notice("audit: plugin ban", metadata: [
                "audit": "ban.add", "caller": "plugin \(plugin)", "plugin": "\(plugin)", "target": "\(request.target)",
                "seconds": "\(request.seconds)", "reason": "\(request.reason)", "outcome": "\(outcome)",
            ])
        }
    }

    /// Bans each request's target (extending shorter bans in force) in one store transaction
    /// and one firewall batch; returns each ban as now stored, nil where the target is trusted
    /// and so never banned. All or none: a failed transaction or batch bans nothing. `announce`
    /// false records no `ban.added` per ban (a bulk import records one `ban.imported` instead).
    func ban(_ requests: [BanRequest], source: String, now: Timestamp, announce: Bool = true) throws -> [StoredBan?] {
        var rows: [StoredBan] = []
        var positions: [Int] = []
        var result = [StoredBan?](repeating: nil, count: requests.count)
        /// Requests naming a target already in this batch (separate events about one source): the
        /// longest ban is kept, and each such request answers with it.
        var rowOfTarget: [String: Int] = [:]
        var repeats: [(position: Int, row: Int)] = []
        for (position, request) in requests.enumerated() {
            if refusesBan(request.target) {
                logger.notice("not banning a trusted address", metadata: ["target": "\(request.target)", "source": "\(source)"])
                continue
            }
            let target = request.target.description
            let expiresAt = now.adding(seconds: Int64(max(1, request.seconds)))
            if let row = rowOfTarget[target] {
                repeats.append((position, row))
                if expiresAt.milliseconds > rows[row].expiresAt.milliseconds { rows[row].expiresAt = expiresAt }
                continue
            }
            let evidenceJSON = request.evidence.isEmpty
                ? "[]" : String(decoding: (try? JSONEncoder().encode(request.evidence)) ?? Data("[]".utf8), as: UTF8.self)
            rowOfTarget[target] = rows.count
            rows.append(StoredBan(
                target: target, createdAt: now, expiresAt: expiresAt,
                source: source, reason: request.reason, evidenceJSON: evidenceJSON))
            positions.append(position)
        }
        guard !rows.isEmpty else { return result }
        let stored = try store.upsertBans(rows)
        for (position, row) in repeats { result[position] = stored[row] }
        try firewall.ban(zip(positions, stored).map { position, ban in
            FirewallBan(target: requests[position].target, expiresAtMilliseconds: ban.expiresAt.milliseconds)
        })
        var events: [SecurityEvent] = []
        for (position, ban) in zip(positions, stored) {
            result[position] = ban
            guard announce else { continue }
            let target = requests[position].target
            events.append(SecurityEvent(
                timeMilliseconds: now.milliseconds, kind: "ban.added", sourceIP: target.isSingleAddress ? target.network.description : "",
                sourcePort: 0, transport: "", username: source,
                detail: "\(target) for \(now.secondsUntil(ban.expiresAt))s: \(requests[position].reason)"))
        }
        record(events)
        return result
    }

    /// Bans `target` for `seconds` (extending a shorter ban already in force) and returns the
    /// ban now stored, or nil when the target is trusted and so never banned.
    @discardableResult
    func ban(_ target: IPRange, seconds: Int, reason: String, source: String, evidence: [SecurityEvent], now: Timestamp) throws -> StoredBan? {
        try ban([BanRequest(target: target, seconds: seconds, reason: reason, evidence: evidence)], source: source, now: now)[0]
    }

    /// Lifts the ban on `target`; returns whether there was one.
    func unban(_ target: IPRange, reason: String, source: String, now: Timestamp) throws -> Bool {
        // The history names who lifted it (the operator or the plugin) and why.
        let removed = try store.removeBan(target: target.description, at: now, source: source, reason: reason)
        try firewall.unban([target])
        guard removed != nil else { return false }
        record([SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: "ban.removed", sourceIP: target.isSingleAddress ? target.network.description : "",
            sourcePort: 0, transport: "", username: source, detail: "\(target): \(reason)"
        )])
        return true
    }

    /// The stored bans in force, as firewall entries: what a firewall backend is opened with.
    public static func storedBans(_ store: any StoreBackend) throws -> [FirewallBan] {
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
