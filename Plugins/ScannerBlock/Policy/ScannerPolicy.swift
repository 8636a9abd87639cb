import PluginSupport
import SIPWardenPolicy

/// The scanner plugin's logic: a known scanner's User-Agent on any event from an address bans
/// it at once; so does an extension sweep (many distinct unknown usernames from one address
/// in a short time), and so does a stream of messages the daemon cannot use (`malformed_limit`
/// `request.malformed` / `transport.junk` events within `malformed_window`). Each detection is
/// reported as `scanner.detected`. A ban of an address that ends (`ban.removed`, `ban.expired`)
/// is forgotten, so the next offence bans it again. Called only from the plugin host's queue.
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
    /// Recent malformed traffic per address.
    private(set) var garbage: [IPAddress: GarbageSource] = [:]
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
    /// Malformed-traffic events kept per address as the evidence of its ban.
    static let malformedEvidence = 10
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
        if EndedBan.isBanEnd(event) {
            // Its ban ended (lifted by an operator, or lapsed): the next offence bans it again.
            if let address = EndedBan.address(in: event) { banned[address] = nil }
            return []
        }
        guard !Self.ignoredKinds.contains(event.kind), let address = IPAddress(event.sourceIP) else { return [] }
        let now = event.timeMilliseconds
        if banned[address] ?? .min > now { return [] }
        if let userAgent = event.userAgent, let pattern = match(userAgent) {
            guard !host.isTrusted(address) else { return [] }
            sweeps[address] = nil
            garbage[address] = nil
            return detected(
                address, event: event, detail: "user_agent: \(pattern.text)",
                reason: "scanner User-Agent '\(pattern.text)'", evidence: [event], banSeconds: settings.banSeconds)
        }
        if settings.malformedLimit > 0, settings.malformedKinds.contains(event.kind) {
            let decisions = malformed(event, from: address)
            if !decisions.isEmpty { return decisions }
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
            reason: "extension sweep: \(sweep.usernames.count) unknown usernames within \(window)s", evidence: sweep.evidence,
            banSeconds: settings.banSeconds)
    }

    /// Counts a malformed message (or a TCP connection that sent none); `malformed_limit` of
    /// them within `malformed_window` ban the address for `malformed_ban_time`.
    private mutating func malformed(_ event: SecurityEvent, from address: IPAddress) -> [Decision] {
        guard !host.isTrusted(address) else { return [] }
        let now = event.timeMilliseconds
        let window = settings.malformedWindowMilliseconds
        var source = takeGarbage(address)
        source.times.removeAll { now - $0 >= window }
        source.times.append(now)
        if source.times.count > settings.malformedLimit { source.times.removeFirst() }
        source.evidence.removeAll { now - $0.timeMilliseconds >= window }
        source.evidence.append(event)
        if source.evidence.count > Self.malformedEvidence { source.evidence.removeFirst() }
        source.lastAt = now
        guard source.times.count >= settings.malformedLimit else {
            garbage[address] = source
            return []
        }
        garbage[address] = nil
        let count = source.times.count
        return detected(
            address, event: event, detail: "malformed: \(count) messages in \(window / 1000)s",
            reason: "\(count) malformed messages within \(window / 1000)s", evidence: source.evidence,
            banSeconds: settings.malformedBanSeconds)
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
        _ address: IPAddress, event: SecurityEvent, detail: String, reason: String, evidence: [SecurityEvent], banSeconds: Int
    ) -> [Decision] {
        let now = event.timeMilliseconds
        let report = SecurityEvent(
            timeMilliseconds: now, kind: SecurityEventKind.scannerDetected, sourceIP: address.description,
            sourcePort: event.sourcePort, transport: event.transport, aor: event.aor, username: event.username,
            userAgent: event.userAgent, detail: detail)
        let bindings = host.liveBindingCount(from: address)
        if bindings > 0, !settings.banRegisteredSources {
            guard quiet[address] ?? .min <= now else { return [.report(report)] }
            quiet[address] = now + Int64(banSeconds) * 1000
            return [.report(report), .alert(Alert(
                severity: "warning",
                message: "\(reason) from \(address), which holds \(bindings) live registrations, so it is not banned "
                    + "(ban_registered_sources is false); a scanner is running behind that address",
                evidence: evidence))]
        }
        if banned.count >= Self.maxBanned { banned.evictLeastRecentlyActive { $0 } }
        banned[address] = now + Int64(banSeconds) * 1000
        return [.report(report), .ban(BanRequest(
            target: IPRange(address: address, prefixLength: address.bitWidth), seconds: banSeconds,
            reason: reason, evidence: evidence))]
    }

    private mutating func takeSweep(_ address: IPAddress) -> ExtensionSweep {
        if let sweep = sweeps[address] { return sweep }
        if sweeps.count >= settings.maxTrackedSources { sweeps.evictLeastRecentlyActive { $0.lastAt } }
        return ExtensionSweep()
    }

    private mutating func takeGarbage(_ address: IPAddress) -> GarbageSource {
        if let source = garbage[address] { return source }
        if garbage.count >= settings.maxTrackedSources { garbage.evictLeastRecentlyActive { $0.lastAt } }
        return GarbageSource()
    }

    /// Drops lapsed bans and quiet periods, and sweeps and malformed counts without a recent event.
    mutating func sweep(now: Int64) {
        lastSweepAt = now
        banned = banned.filter { $0.value > now }
        quiet = quiet.filter { $0.value > now }
        let window = settings.sweepWindowMilliseconds
        sweeps = sweeps.filter { now - $0.value.lastAt < window }
        let malformedWindow = settings.malformedWindowMilliseconds
        garbage = garbage.filter { now - $0.value.lastAt < malformedWindow }
    }
}
