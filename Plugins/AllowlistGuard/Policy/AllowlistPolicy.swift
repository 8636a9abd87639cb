import PluginSupport
import SIPWardenPolicy

/// The allowlist plugin's logic. ``review(_:)`` refuses a REGISTER from outside the phone's
/// allowed ranges (the host records that as `acl.denied`); ``handle(_:)`` counts those
/// denials per address and bans an address that keeps trying. `review` is safe on any thread;
/// `handle` and `tick` run on the plugin host's queue.
struct AllowlistPolicy: Sendable {
    /// The settings.
    let settings: AllowlistSettings
    /// The host, for trust, live binding counts and the log.
    let host: any PolicyHost
    /// Addresses refused recently.
    private(set) var sources: [IPAddress: DeniedSource] = [:]
    /// When the table was last swept.
    private var lastSweepAt = Int64.min

    /// How often the table is swept, milliseconds.
    static let sweepInterval: Int64 = 10_000

    /// A policy with an empty table.
    init(settings: AllowlistSettings, host: any PolicyHost) {
        self.settings = settings
        self.host = host
    }

    /// Refuses the attempt when the phone has allowed ranges and none holds the source. Static:
    /// it reads only the settings, so it needs no lock on the REGISTER path.
    static func review(_ attempt: RegisterAttempt, settings: AllowlistSettings, host: any PolicyHost) -> Review {
        guard !attempt.allowedRanges.isEmpty, !attempt.allowedRanges.contains(where: { $0.contains(attempt.source) })
        else { return .allow }
        guard settings.enforce else {
            host.log(.info, "would refuse \(attempt.aor) from \(attempt.source) (outside its allowed ranges; enforce is false)")
            return .allow
        }
        return .refuse(status: settings.status, reason: settings.reason)
    }

    /// Counts a denial; `max_denials` within the window ban the address. A ban of an address
    /// that ends (`ban.removed`, `ban.expired`) is forgotten, so its next denials count afresh.
    mutating func handle(_ event: SecurityEvent) -> [Decision] {
        if EndedBan.isBanEnd(event) {
            if let address = EndedBan.address(in: event), let index = sources.index(forKey: address) {
                sources.values[index].bannedUntil = .min
                sources.values[index].denials.removeAll()
            }
            return []
        }
        guard settings.maxDenials > 0, settings.denialKinds.contains(event.kind), let address = IPAddress(event.sourceIP)
        else { return [] }
        let now = event.timeMilliseconds
        if sources[address]?.bannedUntil ?? .min > now { return [] }
        if host.isTrusted(address) { return [] }
        var source = takeSource(address)
        defer { sources[address] = source }
        source.denials.removeAll { now - $0.timeMilliseconds >= settings.windowMilliseconds }
        source.denials.append(event)
        source.lastSeen = now
        if source.denials.count > settings.maxDenials { source.denials.removeFirst() }
        guard source.denials.count >= settings.maxDenials else { return [] }

        let reason = "\(source.denials.count) REGISTERs from outside the allowed ranges within \(settings.windowMilliseconds / 1000)s"
        let evidence = source.denials
        source.denials.removeAll()
        let bindings = host.liveBindingCount(from: address)
        if bindings > 0, !settings.banRegisteredSources {
            guard now >= source.quietUntil else { return [] }
            source.quietUntil = now + settings.windowMilliseconds
            return [.alert(Alert(
                severity: "warning",
                message: "\(reason) from \(address), which holds \(bindings) live registrations, so it is not banned "
                    + "(ban_registered_sources is false); a phone there may need its allowed ranges widened",
                evidence: evidence))]
        }
        source.bannedUntil = now + Int64(settings.banSeconds) * 1000
        return [.ban(BanRequest(
            target: IPRange(address: address, prefixLength: address.bitWidth), seconds: settings.banSeconds,
            reason: reason, evidence: evidence))]
    }

    /// Forgets stale denials and lapsed bans, every `sweepInterval`.
    mutating func tick(now: Int64) -> [Decision] {
        if now >= lastSweepAt &+ Self.sweepInterval { sweep(now: now) }
        return []
    }

    private mutating func takeSource(_ address: IPAddress) -> DeniedSource {
        if let source = sources[address] { return source }
        if sources.count >= settings.maxTrackedSources { sources.evictLeastRecentlyActive { $0.lastSeen } }
        return DeniedSource()
    }

    /// Drops addresses with nothing left to remember.
    mutating func sweep(now: Int64) {
        lastSweepAt = now
        let window = settings.windowMilliseconds
        sources = sources.filter { _, source in
            source.bannedUntil > now || source.quietUntil > now
                || (source.denials.last.map { now - $0.timeMilliseconds < window } ?? false)
        }
    }
}
