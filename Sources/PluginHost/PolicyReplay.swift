import Configuration
import ControlAPI
import Foundation
import SIPWardenPolicy
import Synchronization

/// Replays a security log through fresh instances of the policy plugins, in the log's own
/// time, and reports what they would have decided (`sipwarden --policy-test`, shown by
/// `sipwardenctl policy test`): the `fail2ban-regex` of SIPWarden's policies. Nothing of the
/// running daemon is touched: the plugins are new instances with the policy files as they are
/// now, their host a replay clock, and every "ban" only a finding.
///
/// What it replays: every `type: event` line (and event lines without `type`) except the
/// daemon's own outcome kinds (`ban.*`, `alert.raised`, `plugin.*`), which the replay makes
/// itself from the plugins' decisions: a replayed ban feeds `ban.added` to the plugins and,
/// when its time is up in the log's clock, `ban.expired`. Live bindings per address (for
/// policies that spare registered sources) are followed from the `register.*` events.
/// Packets are not in the log, so hot-path admission (the rate limit's token buckets) is not
/// replayed; exec policies are not run.
public struct PolicyReplay {
    /// A policy to replay: its file and the plugin library it names.
    public struct Policy {
        /// The policy file (or a shipped plugin's built-in defaults).
        public var file: PolicyFile
        /// The path of the plugin library it names.
        public var library: String
        /// Creates a policy entry.
        public init(file: PolicyFile, library: String) {
            self.file = file
            self.library = library
        }
    }

    private let policies: [Policy]
    private let trusted: [IPRange]

    /// Prepares a replay of `policies`; `trusted` ranges are never banned (as in the daemon).
    public init(policies: [Policy], trusted: [IPRange]) {
        self.policies = policies
        self.trusted = trusted
    }

    /// Kinds the replay does not take from the log, because it produces them itself.
    static let outcomeKinds: Set<String> = [
        SecurityEventKind.banAdded, SecurityEventKind.banRemoved, SecurityEventKind.banExpired,
        SecurityEventKind.alertRaised, SecurityEventKind.pluginFailed, "ban.would_add",
    ]

    /// The enabled library policies `configuration` would run (files and built-in defaults),
    /// only the one named `only` when given. A policy file that does not load is an error.
    public static func policies(_ configuration: DaemonConfiguration, only: String?) throws -> [Policy] {
        let set = PolicySet(configuration)
        if let problem = set.problems.first { throw problem }
        let found = set.policies.filter { $0.enabled && !$0.isExec && (only == nil || $0.name == only) }.map {
            Policy(file: $0, library: PolicySet.library($0, in: configuration.effectivePluginsDirectory))
        }
        if let only, found.isEmpty {
            throw PolicyConfigurationError(file: set.directory.path ?? "(no policies directory)", key: "--policy", value: only,
                                           message: "no enabled library policy of that name (see 'sipwardenctl plugins list')")
        }
        return found
    }

    /// Replays the log at `path`.
    public func run(logPath path: String) throws -> PolicyTestReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyConfigurationError(file: path, key: "(file)", value: path, message: "cannot read the log file")
        }
        let host = ReplayHost()
        host.trusted.withLock { $0 = trusted }
        var plugins: [(name: String, plugin: any PolicyPlugin)] = []
        for policy in policies {
            let plugin = try PluginLoader.load(library: policy.library, configuration: policy.file.configuration, host: host)
            plugins.append((policy.file.name, plugin))
        }
        var state = ReplayState(trusted: trusted)
        var events = 0, skipped = 0
        var first: Int64 = 0, last: Int64 = 0
        let decoder = JSONDecoder()
        var replayed: [SecurityEvent] = []
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            if let event = Self.event(in: line, decoder: decoder) {
                replayed.append(event)
            } else if let repeated = try? decoder.decode(RepeatedLine.self, from: line), repeated.kind == "log.repeated",
                      replayed.count < Self.maximumEvents {
                replayed += repeated.events(upTo: Self.maximumEvents - replayed.count)
            } else {
                skipped += 1
            }
        }
        // Summary lines come after the events they fold: replay everything in time order.
        replayed.sort { $0.timeMilliseconds < $1.timeMilliseconds }
        for event in replayed {
            events += 1
            if first == 0 { first = event.timeMilliseconds }
            last = max(last, event.timeMilliseconds)
            host.now.withLock { $0 = max($0, event.timeMilliseconds) }
            let now = host.nowMilliseconds()
            try state.advance(to: now, plugins: plugins, host: host)
            host.bindings.withLock { $0.note(event) }
            try state.deliver([event], to: plugins, host: host)
        }
        return PolicyTestReport(file: path, events: events, skippedLines: skipped, firstMilliseconds: first,
                                lastMilliseconds: last, policies: plugins.map(\.name), findings: state.findings)
    }

    /// The most events one replay takes (folded repeats are expanded up to it).
    static let maximumEvents = 2_000_000

    /// A `log.repeated` summary line: `count` more events of `repeated_kind` from `source_ip`
    /// between `first_time_ms` and `last_time_ms` that the log folded. The replay gives them
    /// back to the plugins, spread evenly over that span, as the daemon's plugins saw them.
    private struct RepeatedLine: Decodable {
        var kind: String
        var repeatedKind: String
        var sourceIP: String
        var count: Int
        var first: Int64
        var last: Int64

        private enum CodingKeys: String, CodingKey {
            case kind, count
            case repeatedKind = "repeated_kind"
            case sourceIP = "source_ip"
            case first = "first_time_ms"
            case last = "last_time_ms"
        }

        func events(upTo limit: Int) -> [SecurityEvent] {
            let n = max(0, min(count, limit))
            return (0..<n).map { index in
                let time = n > 1 ? first + (last - first) * Int64(index) / Int64(n - 1) : first
                return SecurityEvent(timeMilliseconds: time, kind: repeatedKind, sourceIP: sourceIP, sourcePort: 0, transport: "",
                                     detail: "folded in the log (log.repeated)")
            }
        }
    }

    private static func event(in line: Data.SubSequence, decoder: JSONDecoder) -> SecurityEvent? {
        struct Kind: Decodable { var type: String? }
        guard let kind = try? decoder.decode(Kind.self, from: line), kind.type == nil || kind.type == "event",
              let event = try? decoder.decode(SecurityEvent.self, from: line), !outcomeKinds.contains(event.kind)
        else { return nil }
        return event
    }
}

/// The plugins' host during a replay: the log's clock, the followed bindings, no trust (the
/// replay checks trusted ranges itself, as the daemon does).
private final class ReplayHost: PolicyHost {
    let now = Mutex<Int64>(0)
    let bindings = Mutex(ReplayBindings())
    let trusted = Mutex<[IPRange]>([])

    func log(_ level: PolicyLogLevel, _ message: String) {}
    func isTrusted(_ address: IPAddress) -> Bool { trusted.withLock { $0.contains { $0.contains(address) } } }
    func liveBindingCount(from address: IPAddress) -> Int { bindings.withLock { $0.count(address) } }
    func nowMilliseconds() -> Int64 { now.withLock { $0 } }
}

/// Live bindings per source address, followed from the replayed `register.*` events (keyed
/// by the parsed address, as the daemon's own count is: any spelling of it in the log counts).
private struct ReplayBindings {
    private var byAddress: [IPAddress: Set<String>] = [:]

    mutating func note(_ event: SecurityEvent) {
        guard let address = IPAddress(event.sourceIP) else { return }
        let key = "\(event.aor ?? "")|\(event.contact ?? "")"
        switch event.kind {
        case SecurityEventKind.registerAccepted, SecurityEventKind.registerRefreshed:
            byAddress[address, default: []].insert(key)
        case SecurityEventKind.registerRemoved, SecurityEventKind.registerExpired, SecurityEventKind.registerForcedOut:
            byAddress[address]?.remove(key)
            if byAddress[address]?.isEmpty == true { byAddress[address] = nil }
        default: break
        }
    }

    func count(_ address: IPAddress) -> Int { byAddress[address]?.count ?? 0 }
}

/// The replay's bans and findings, and the feeding of events and ticks to the plugins.
private struct ReplayState {
    let trusted: [IPRange]
    var findings: [PolicyTestFinding] = []
    /// Bans in force in the replay: target → (expiry, reason, plugin).
    var bans: [IPRange: (expires: Int64, reason: String, plugin: String)] = [:]
    var lastTick: Int64 = 0

    init(trusted: [IPRange]) { self.trusted = trusted }

    /// Lapses the bans whose time is up and ticks the plugins, once a second of log time at most.
    mutating func advance(to now: Int64, plugins: [(name: String, plugin: any PolicyPlugin)], host: ReplayHost) throws {
        let lapsed = bans.filter { $0.value.expires <= now }.sorted { $0.value.expires < $1.value.expires }
        for (target, ban) in lapsed {
            bans[target] = nil
            try deliver([Self.banEvent(SecurityEventKind.banExpired, target, time: ban.expires, by: ban.plugin,
                                       detail: "\(target): \(ban.reason)")], to: plugins, host: host)
        }
        guard now - lastTick >= 1000 else { return }
        lastTick = now
        var emitted: [SecurityEvent] = []
        for (name, plugin) in plugins {
            emitted += try apply(try plugin.tick(nowMilliseconds: now), from: name, now: now, plugins: plugins, host: host)
        }
        try deliver(emitted, to: plugins, host: host)
    }

    /// Hands events to every plugin, then what they decided (and the events that makes) in turn.
    mutating func deliver(_ events: [SecurityEvent], to plugins: [(name: String, plugin: any PolicyPlugin)], host: ReplayHost) throws {
        var pending = events
        var rounds = 0
        while !pending.isEmpty, rounds < 10_000 {
            rounds += 1
            let event = pending.removeFirst()
            for (name, plugin) in plugins {
                pending += try apply(try plugin.handle(event), from: name, now: event.timeMilliseconds, plugins: plugins, host: host)
            }
        }
    }

    /// Records decisions as findings and returns the events the daemon would emit for them.
    private mutating func apply(_ decisions: [Decision], from plugin: String, now: Int64,
                                plugins: [(name: String, plugin: any PolicyPlugin)], host: ReplayHost) throws -> [SecurityEvent] {
        var emitted: [SecurityEvent] = []
        for decision in decisions {
            switch decision {
            case .ban(let request):
                let isTrusted = request.target.isSingleAddress && trusted.contains { $0.contains(request.target.network) }
                findings.append(PolicyTestFinding(
                    timeMilliseconds: now, action: "ban", target: request.target.description, seconds: request.seconds,
                    plugin: plugin, reason: request.reason, evidence: request.evidence.map(\.id), ignored: isTrusted ? "trusted" : nil))
                guard !isTrusted else { continue }
                let expires = max(bans[request.target]?.expires ?? 0, now + Int64(request.seconds) * 1000)
                bans[request.target] = (expires, request.reason, plugin)
                emitted.append(Self.banEvent(SecurityEventKind.banAdded, request.target, time: now, by: plugin,
                                             detail: "\(request.target) for \(request.seconds)s: \(request.reason)"))
            case let .unban(target, reason):
                findings.append(PolicyTestFinding(timeMilliseconds: now, action: "unban", target: target.description, plugin: plugin, reason: reason))
                if bans.removeValue(forKey: target) != nil {
                    emitted.append(Self.banEvent(SecurityEventKind.banRemoved, target, time: now, by: plugin, detail: "\(target): \(reason)"))
                }
            case .alert(let alert):
                findings.append(PolicyTestFinding(timeMilliseconds: now, action: "alert", target: "", plugin: plugin,
                                                  reason: "\(alert.severity): \(alert.message)", evidence: alert.evidence.map(\.id)))
            case .report(var event):
                if event.timeMilliseconds == 0 { event.timeMilliseconds = now }
                emitted.append(event)
            }
        }
        return emitted
    }

    private static func banEvent(_ kind: String, _ target: IPRange, time: Int64, by plugin: String, detail: String) -> SecurityEvent {
        SecurityEvent(timeMilliseconds: time, kind: kind, sourceIP: target.isSingleAddress ? target.network.description : "",
                      sourcePort: 0, transport: "", username: plugin, detail: detail)
    }
}
