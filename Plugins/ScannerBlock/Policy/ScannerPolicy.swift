import PluginSupport
import SIPWardenPolicy

/// The scanner plugin's logic: a known scanner's User-Agent on any event from an address bans
/// it at once; so does an extension sweep (many distinct unknown usernames from one address
/// in a short time). Each detection is reported as `scanner.detected`. Called only from the
/// plugin host's queue.
struct ScannerPolicy: Sendable {
    /// The settings.
    let settings: ScannerSettings
    /// The host, for trust and live binding counts.
    let host: any PolicyHost
    /// Addresses banned by this plugin, until when: events still in flight from them are ignored.
    private(set) var banned: [IPAddress: Int64] = [:]
    /// Addresses spared (holding live bindings) and alerted about, until when no new alert.
    private(set) var quiet: [IPAddress: Int64] = [:]
    /// Recent usernames per address.
    private(set) var sweeps: [IPAddress: ExtensionSweep] = [:]
    /// When the tables were last swept.
    private var lastSweepAt = Int64.min

    /// How often the tables are swept, milliseconds.
    static let sweepInterval: Int64 = 10_000
    /// Bans remembered at most (a forgotten one only means an in-flight event may ban again,
    /// which the host treats as an extension).
    static let maxBanned = 100_000
    /// How much of a User-Agent is searched: scanners' are short, and a padded one must not
    /// make every event cost a long scan.
    static let userAgentPrefix = 512
    /// Kinds that do not describe a request (plugins' reports, bans, alerts): never inspected.
    static let ignoredKinds: Set<String> = [
        SecurityEventKind.scannerDetected, SecurityEventKind.rateExceeded, SecurityEventKind.hijackSuspected,
        SecurityEventKind.banAdded, SecurityEventKind.banRemoved, SecurityEventKind.banExpired,
        SecurityEventKind.alertRaised, SecurityEventKind.pluginFailed, SecurityEventKind.registerExpired,
        SecurityEventKind.registerForcedOut,
    ]

    /// A policy with empty tables.
    init(settings: ScannerSettings, host: any PolicyHost) {
        self.settings = settings
        self.host = host
    }

    /// Looks at one event for a scanner's User-Agent or an extension sweep.
    mutating func handle(_ event: SecurityEvent) -> [Decision] {
        guard !Self.ignoredKinds.contains(event.kind), let address = IPAddress(event.sourceIP) else { return [] }
        let now = event.timeMilliseconds
        if banned[address] ?? .min > now { return [] }
        if let userAgent = event.userAgent, let pattern = match(userAgent) {
            guard !host.isTrusted(address) else { return [] }
            sweeps[address] = nil
            return detected(
                address, event: event, detail: "user_agent: \(pattern.text)",
                reason: "scanner User-Agent '\(pattern.text)'", evidence: [event])
        }
        guard settings.sweepUsernames > 0, settings.sweepKinds.contains(event.kind),
              let username = event.username ?? event.aor, !host.isTrusted(address)
        else { return [] }
        var sweep = takeSweep(address)
        sweep.usernames = sweep.usernames.filter { now - $0.value < settings.sweepWindowMilliseconds }
        sweep.usernames[username] = now
        sweep.evidence.removeAll { now - $0.timeMilliseconds >= settings.sweepWindowMilliseconds }
        sweep.evidence.append(event)
        if sweep.evidence.count > settings.sweepUsernames { sweep.evidence.removeFirst() }
        sweep.lastAt = now
        guard sweep.usernames.count >= settings.sweepUsernames else {
            sweeps[address] = sweep
            return []
        }
        sweeps[address] = nil
        let window = settings.sweepWindowMilliseconds / 1000
        return detected(
            address, event: event, detail: "extension_sweep: \(sweep.usernames.count) usernames in \(window)s",
            reason: "extension sweep: \(sweep.usernames.count) unknown usernames within \(window)s", evidence: sweep.evidence)
    }

    /// Forgets lapsed bans and stale sweeps, every `sweepInterval`.
    mutating func tick(now: Int64) -> [Decision] {
        if now >= lastSweepAt &+ Self.sweepInterval { sweep(now: now) }
        return []
    }

    /// The first pattern found in the User-Agent.
    func match(_ userAgent: String) -> UserAgentPattern? {
        let lowered = userAgent.utf8.prefix(Self.userAgentPrefix).map(UserAgentPattern.lower)
        return settings.userAgents.first { $0.matches(lowered) }
    }

    /// Reports the scanner and bans it, or, when it holds live bindings and those are spared,
    /// reports it and raises an alert (at most one per ban time).
    private mutating func detected(
        _ address: IPAddress, event: SecurityEvent, detail: String, reason: String, evidence: [SecurityEvent]
    ) -> [Decision] {
        let now = event.timeMilliseconds
        let report = SecurityEvent(
            timeMilliseconds: now, kind: SecurityEventKind.scannerDetected, sourceIP: address.description,
            sourcePort: event.sourcePort, transport: event.transport, aor: event.aor, username: event.username,
            userAgent: event.userAgent, detail: detail)
        let bindings = host.liveBindingCount(from: address)
        if bindings > 0, !settings.banRegisteredSources {
            guard quiet[address] ?? .min <= now else { return [.report(report)] }
            quiet[address] = now + Int64(settings.banSeconds) * 1000
            return [.report(report), .alert(Alert(
                severity: "warning",
                message: "\(reason) from \(address), which holds \(bindings) live registrations, so it is not banned "
                    + "(ban_registered_sources is false); a scanner is running behind that address",
                evidence: evidence))]
        }
        if banned.count >= Self.maxBanned { banned.evictLeastRecentlyActive { $0 } }
        banned[address] = now + Int64(settings.banSeconds) * 1000
        return [.report(report), .ban(BanRequest(
            target: IPRange(address: address, prefixLength: address.bitWidth), seconds: settings.banSeconds,
            reason: reason, evidence: evidence))]
    }

    private mutating func takeSweep(_ address: IPAddress) -> ExtensionSweep {
        if let sweep = sweeps[address] { return sweep }
        if sweeps.count >= settings.maxTrackedSources { sweeps.evictLeastRecentlyActive { $0.lastAt } }
        return ExtensionSweep()
    }

    /// Drops lapsed bans and quiet periods and sweeps without a recent attempt.
    mutating func sweep(now: Int64) {
        lastSweepAt = now
        banned = banned.filter { $0.value > now }
        quiet = quiet.filter { $0.value > now }
        let window = settings.sweepWindowMilliseconds
        sweeps = sweeps.filter { now - $0.value.lastAt < window }
    }
}
