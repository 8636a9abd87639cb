import PluginSupport
import SIPWardenPolicy

/// The serial half of the ratelimit plugin: per-(source, AOR) REGISTER budgets fed by events,
/// and the escalation of repeated excess (from admission or from those budgets) to a ban.
/// Called only from the plugin host's queue (`handle` and `tick`).
struct RateLimitPolicy: Sendable {
    /// The settings.
    let settings: RateLimitSettings
    /// The host, for trust and live binding counts.
    let host: any PolicyHost
    /// Per-(source, AOR) REGISTER budgets.
    private(set) var aorBudgets: [AORKey: TokenBucket] = [:]
    /// Sources over a budget recently.
    private(set) var offenders: [IPAddress: RateOffender] = [:]
    /// When the tables were last swept.
    private var lastSweepAt = Int64.min
    /// Sightings lost on the hot path because a tick came late (statistics).
    private(set) var droppedSightings = 0

    /// How often the serial tables are swept, milliseconds.
    static let sweepInterval: Int64 = 10_000
    /// Offenders tracked at most (each holds a few reports).
    static let maxOffenders = 10_000

    /// A policy with empty tables.
    init(settings: RateLimitSettings, host: any PolicyHost) {
        self.settings = settings
        self.host = host
    }

    private var aorRate: Double { settings.aorRequestsPerMinute / 60_000 }

    /// Charges REGISTER-like events to their (source, AOR) budget. A ban of an address that ends
    /// (`ban.removed`, `ban.expired`) is forgotten, so its next sustained excess bans it again.
    mutating func handle(_ event: SecurityEvent) -> [Decision] {
        if EndedBan.isBanEnd(event) {
            if let address = EndedBan.address(in: event), let index = offenders.index(forKey: address) {
                offenders.values[index].bannedUntil = .min
                offenders.values[index].windows.removeAll()
                offenders.values[index].evidence.removeAll()
                offenders.values[index].lastWindow = -1
            }
            return []
        }
        if event.kind == SecurityEventKind.rateExceeded {
            numberEvidence(event)
            return []
        }
        guard settings.aorEventKinds.contains(event.kind), let account = event.aor ?? event.username,
              let address = IPAddress(event.sourceIP), !host.isTrusted(address)
        else { return [] }
        let now = event.timeMilliseconds
        let key = AORKey(address: address, account: account)
        let within: Bool
        if let index = aorBudgets.index(forKey: key) {
            within = aorBudgets.values[index].take(now: now, ratePerMillisecond: aorRate, capacity: settings.aorBurst)
        } else {
            makeRoomForBudget()
            var bucket = TokenBucket(capacity: settings.aorBurst, now: now)
            within = bucket.take(now: now, ratePerMillisecond: aorRate, capacity: settings.aorBurst)
            aorBudgets[key] = bucket
        }
        guard !within else { return [] }
        let perMinute = Self.number(settings.aorRequestsPerMinute)
        return excess(
            address: address, port: event.sourcePort, transport: event.transport, time: now, aor: account,
            detail: "REGISTER requests for \(account) over \(perMinute)/min (burst \(Self.number(settings.aorBurst)))")
    }

    /// Replaces a report kept as evidence by its recorded copy, which the host handed back with
    /// the id it assigned, so a later ban's evidence names recorded events. (The report made with
    /// the ban itself cannot be recorded before the ban is asked for, so it stays without an id.)
    private mutating func numberEvidence(_ recorded: SecurityEvent) {
        guard recorded.id != 0, let address = IPAddress(recorded.sourceIP),
              let index = offenders.index(forKey: address) else { return }
        var unrecorded = recorded
        unrecorded.id = 0
        guard let position = offenders.values[index].evidence.firstIndex(of: unrecorded) else { return }
        offenders.values[index].evidence[position] = recorded
    }

    /// Turns the hot path's sightings into reports and bans, and sweeps idle state.
    mutating func tick(now: Int64, sightings: [ExcessSighting], dropped: Int) -> [Decision] {
        if dropped > 0 {
            droppedSightings += dropped
            host.log(.warning, "\(dropped) sources over budget were not reported: ticks came late (\(droppedSightings) so far)")
        }
        var decisions: [Decision] = []
        for sighting in sightings {
            let rate = Self.number(settings.packetsPerSecond + settings.perBindingPacketsPerSecond * Double(sighting.bindings))
            let burst = Self.number(settings.burst + settings.perBindingBurst * Double(sighting.bindings))
            decisions += excess(
                address: sighting.address, port: sighting.port, transport: sighting.transport,
                time: sighting.timeMilliseconds, aor: nil,
                detail: "packets over \(rate)/s (burst \(burst); \(sighting.bindings) live bindings)")
        }
        if now >= lastSweepAt &+ Self.sweepInterval {
            lastSweepAt = now
            sweep(now: now)
        }
        return decisions
    }

    /// Reports a source's first excess in a window and bans it after `ban_after_windows`
    /// windows over within `ban_within`, unless it holds live bindings (then: an alert).
    private mutating func excess(
        address: IPAddress, port: Int, transport: String, time: Int64, aor: String?, detail: String
    ) -> [Decision] {
        let window = time / settings.windowMilliseconds
        if offenders[address] == nil, offenders.count >= Self.maxOffenders {
            offenders.evictLeastRecentlyActive { $0.lastWindow }
        }
        var offender = offenders[address] ?? RateOffender()
        defer { offenders[address] = offender }
        guard offender.bannedUntil <= time, offender.lastWindow != window else { return [] }
        offender.lastWindow = window
        let span = settings.banWithinMilliseconds / settings.windowMilliseconds
        offender.windows.removeAll { window - $0 >= span }
        offender.windows.append(window)
        let report = SecurityEvent(
            timeMilliseconds: time, kind: SecurityEventKind.rateExceeded, sourceIP: address.description, sourcePort: port,
            transport: transport, aor: aor, detail: detail)
        offender.evidence.append(report)
        if offender.evidence.count > settings.banAfterWindows { offender.evidence.removeFirst() }
        var decisions: [Decision] = [.report(report)]
        guard offender.windows.count >= settings.banAfterWindows else { return decisions }

        let summary = "over the rate limit in \(offender.windows.count) windows of \(settings.windowMilliseconds / 1000)s "
            + "within \(settings.banWithinMilliseconds / 1000)s"
        let bindings = host.liveBindingCount(from: address)
        if bindings > 0, !settings.banRegisteredSources {
            if time >= offender.quietUntil {
                offender.quietUntil = time + settings.banWithinMilliseconds
                decisions.append(.alert(Alert(
                    severity: "warning",
                    message: "\(address) was \(summary) but holds \(bindings) live registrations, so it is not banned "
                        + "(ban_registered_sources is false); look for a looping phone or a flood behind that address",
                    evidence: offender.evidence)))
            }
        } else {
            decisions.append(.ban(BanRequest(
                target: IPRange(address: address, prefixLength: address.bitWidth), seconds: settings.banSeconds,
                reason: "sustained flood: \(summary)", evidence: offender.evidence)))
            offender.bannedUntil = time + Int64(settings.banSeconds) * 1000
            offender.evidence.removeAll()
        }
        offender.windows.removeAll()
        return decisions
    }

    /// Drops budgets that are full again and offenders with nothing left to remember.
    mutating func sweep(now: Int64) {
        let rate = aorRate
        let capacity = settings.aorBurst
        aorBudgets = aorBudgets.filter { !$0.value.isFull(now: now, ratePerMillisecond: rate, capacity: capacity) }
        let span = settings.banWithinMilliseconds
        let windowLength = settings.windowMilliseconds
        offenders = offenders.filter { _, offender in
            offender.bannedUntil > now || offender.quietUntil > now
                || offender.windows.contains { now - $0 * windowLength < span }
        }
    }

    /// Keeps the budget table within `max_aor_budgets` (the tick's sweep keeps it small normally).
    private mutating func makeRoomForBudget() {
        guard aorBudgets.count >= settings.maxAORBudgets else { return }
        aorBudgets.evictLeastRecentlyActive { $0.updatedAt }
    }

    /// A rate for humans: whole numbers without a fraction.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
