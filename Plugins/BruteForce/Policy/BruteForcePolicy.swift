import PluginSupport
import SIPWardenPolicy

/// The bruteforce plugin's logic: authentication failures per source address within a window
/// ban the address, with ban times escalating on repeat offences; failures against one account
/// from many addresses (a password spray) ban every one of them and raise one alert. The
/// account itself is never acted on, and an address that registered an account successfully
/// is never counted for failures against that account, so the real user is not locked out.
/// Called only from the plugin host's queue.
struct BruteForcePolicy: Sendable {
    /// The settings.
    let settings: BruteForceSettings
    /// The host, for trust and live binding counts.
    let host: any PolicyHost
    /// Addresses that failed recently, or were banned and are remembered for escalation.
    private(set) var sources: [IPAddress: FailingSource] = [:]
    /// Accounts that failed recently.
    private(set) var accounts: [String: TargetedAccount] = [:]
    /// Successful registrations: a hash of (account, address) to its latest time in whole
    /// seconds. A hash and a 4-byte time keep this small enough to hold for every subscriber
    /// (12 bytes a bucket; the hasher is seeded per process, so an attacker cannot aim at a
    /// collision).
    private(set) var registrations: [Int: UInt32] = [:]
    /// When the tables were last swept.
    private var lastSweepAt = Int64.min

    /// How often the tables are swept, milliseconds.
    static let sweepInterval: Int64 = 10_000
    /// Registrations remembered at most.
    static let maxRegistrations = 500_000

    /// A policy with empty tables.
    init(settings: BruteForceSettings, host: any PolicyHost) {
        self.settings = settings
        self.host = host
    }

    /// Counts failures, notes successful registrations, forgets bans that ended.
    mutating func handle(_ event: SecurityEvent) -> [Decision] {
        if EndedBan.isBanEnd(event) {
            // Lifted by an operator or lapsed: count afresh (the offence history stays, so the
            // next ban escalates).
            if let address = EndedBan.address(in: event), let index = sources.index(forKey: address) {
                sources.values[index].bannedUntil = .min
                sources.values[index].failureTimes.removeAll()
                sources.values[index].evidence.removeAll()
            }
            return []
        }
        guard let address = IPAddress(event.sourceIP) else { return [] }
        switch event.kind {
        case let kind where settings.failureKinds.contains(kind):
            return failure(event, from: address)
        case SecurityEventKind.registerAccepted, SecurityEventKind.registerRefreshed:
            registered(event, from: address)
            return []
        default:
            return []
        }
    }

    /// Forgets what no longer matters, every `sweepInterval`.
    mutating func tick(now: Int64) -> [Decision] {
        if now >= lastSweepAt &+ Self.sweepInterval { sweep(now: now) }
        return []
    }

    // MARK: failures

    private mutating func failure(_ event: SecurityEvent, from address: IPAddress) -> [Decision] {
        let now = event.timeMilliseconds
        let account = event.aor ?? event.username
        if let account, hasRegistered(account, from: address, now: now) { return [] }
        if sources[address]?.bannedUntil ?? .min > now { return [] }
        if host.isTrusted(address) { return [] }

        var decisions: [Decision] = []
        var source = takeSource(address)
        source.failureTimes.removeAll { now - $0 >= settings.windowMilliseconds }
        source.failureTimes.append(now)
        source.lastSeen = now
        if source.failureTimes.count > settings.maxFailures { source.failureTimes.removeFirst() }
        source.evidence.removeAll { now - $0.timeMilliseconds >= settings.windowMilliseconds }
        source.evidence.append(event)
        if source.evidence.count > settings.evidenceEvents { source.evidence.removeFirst() }

        if source.failureTimes.count >= settings.maxFailures {
            let reason = "\(source.failureTimes.count) authentication failures within \(Self.text(settings.windowMilliseconds))"
            switch ban(address, &source, now: now, reason: reason) {
            case .banned(let decision):
                decisions.append(decision)
            case .spared(let bindings):
                if now >= source.quietUntil {
                    source.quietUntil = now + settings.windowMilliseconds
                    decisions.append(.alert(Alert(
                        severity: "warning",
                        message: "\(reason) from \(address), which holds \(bindings) live registrations, so it is not "
                            + "banned (ban_registered_sources is false); look for a misconfigured phone or an attacker "
                            + "behind that address",
                        evidence: source.evidence)))
                }
                source.failureTimes.removeAll()
            }
        }
        sources[address] = source
        if settings.sprayDetection, let account {
            decisions += spray(account, from: address, now: now)
        }
        return decisions
    }

    /// Tracks distinct addresses failing against one account; at `spray_addresses` within the
    /// window bans every one of them and raises one alert, then bans newcomers at once while
    /// the spray goes on.
    private mutating func spray(_ account: String, from address: IPAddress, now: Int64) -> [Decision] {
        var record = takeAccount(account)
        defer { accounts[account] = record }
        record.lastFailureAt = now
        let reason = "password spray against \(account)"
        if record.sprayUntil > now {
            record.sprayUntil = now + settings.sprayWindowMilliseconds
            guard sources[address]?.bannedUntil ?? .min <= now, case .banned(let decision) = banForSpray(address, now: now, reason: reason)
            else { return [] }
            return [decision]
        }
        record.failures[address] = now
        guard record.failures.count >= settings.sprayAddresses else { return [] }
        record.failures = record.failures.filter { now - $0.value < settings.sprayWindowMilliseconds }
        guard record.failures.count >= settings.sprayAddresses else { return [] }

        let addresses = record.failures.keys.sorted()
        record.failures.removeAll()
        record.sprayUntil = now + settings.sprayWindowMilliseconds
        var decisions: [Decision] = []
        var evidence: [SecurityEvent] = []
        var banned = 0
        var spared: [String] = []
        for offender in addresses {
            if let latest = sources[offender]?.evidence.last, evidence.count < settings.evidenceEvents * 2 {
                evidence.append(latest)
            }
            if sources[offender]?.bannedUntil ?? .min > now {
                banned += 1  // already banned by the per-address rule
                continue
            }
            switch banForSpray(offender, now: now, reason: reason) {
            case .banned(let decision):
                decisions.append(decision)
                banned += 1
            case .spared:
                spared.append(offender.description)
            }
        }
        var message = "\(reason): \(addresses.count) addresses failed within "
            + "\(Self.text(settings.sprayWindowMilliseconds)); \(banned) banned"
        if !spared.isEmpty {
            message += ", \(spared.count) not banned because they hold live registrations (\(spared.prefix(10).joined(separator: ", ")))"
        }
        message += ". The account itself is not locked; addresses that register it successfully are never counted."
        decisions.append(.alert(Alert(severity: "warning", message: message, evidence: evidence)))
        return decisions
    }

    private mutating func banForSpray(_ address: IPAddress, now: Int64, reason: String) -> BanOutcome {
        var source = takeSource(address)
        let outcome = ban(address, &source, now: now, reason: reason)
        sources[address] = source
        return outcome
    }

    /// Bans the address for its escalated time, unless it holds live bindings and
    /// `ban_registered_sources` is false.
    private func ban(_ address: IPAddress, _ source: inout FailingSource, now: Int64, reason: String) -> BanOutcome {
        let bindings = host.liveBindingCount(from: address)
        if bindings > 0, !settings.banRegisteredSources { return .spared(bindings: bindings) }
        if now >= source.forgetOffencesAt { source.offences = 0 }
        source.offences += 1
        source.lastSeen = max(source.lastSeen, now)
        let seconds = banSeconds(offence: source.offences)
        source.bannedUntil = now + Int64(seconds) * 1000
        source.forgetOffencesAt = source.bannedUntil + settings.rememberOffencesMilliseconds
        source.failureTimes.removeAll()
        let evidence = source.evidence
        source.evidence.removeAll()
        let escalation = source.offences > 1 ? " (offence \(source.offences), ban escalated to \(Self.text(Int64(seconds) * 1000)))" : ""
        return .banned(.ban(BanRequest(
            target: IPRange(address: address, prefixLength: address.bitWidth), seconds: seconds,
            reason: reason + escalation, evidence: evidence)))
    }

    /// `ban_time × ban_multiplier^(offence - 1)`, at most `max_ban_time`.
    func banSeconds(offence: Int) -> Int {
        var seconds = Double(settings.banSeconds)
        for _ in 1..<max(1, offence) {
            seconds *= settings.banMultiplier
            if seconds >= Double(settings.maxBanSeconds) { break }
        }
        return min(settings.maxBanSeconds, Int(seconds))
    }

    // MARK: successes

    private mutating func registered(_ event: SecurityEvent, from address: IPAddress) {
        guard let account = event.aor ?? event.username else { return }
        let now = event.timeMilliseconds
        let key = Self.pairKey(account, address)
        if registrations[key] == nil, registrations.count >= Self.maxRegistrations {
            registrations.evictLeastRecentlyActive { Int64($0) }
        }
        registrations[key] = UInt32(clamping: now / 1000)
        if let index = accounts.index(forKey: account) { accounts.values[index].failures[address] = nil }
    }

    private func hasRegistered(_ account: String, from address: IPAddress, now: Int64) -> Bool {
        guard let at = registrations[Self.pairKey(account, address)] else { return false }
        return now - Int64(at) * 1000 < settings.rememberRegistrationsMilliseconds
    }

    private static func pairKey(_ account: String, _ address: IPAddress) -> Int {
        var hasher = Hasher()
        hasher.combine(account)
        hasher.combine(address)
        return hasher.finalize()
    }

    // MARK: memory bounds

    /// The address's record, making room for a new one within `max_tracked_sources`.
    private mutating func takeSource(_ address: IPAddress) -> FailingSource {
        if let source = sources[address] { return source }
        if sources.count >= settings.maxTrackedSources { sources.evictLeastRecentlyActive { $0.lastSeen } }
        return FailingSource()
    }

    /// The account's record, making room for a new one within `max_tracked_accounts`.
    private mutating func takeAccount(_ account: String) -> TargetedAccount {
        if let record = accounts[account] { return record }
        if accounts.count >= settings.maxTrackedAccounts { accounts.evictLeastRecentlyActive { $0.lastFailureAt } }
        return TargetedAccount()
    }

    /// Drops failures outside their windows, lapsed bans and offences, old registrations.
    mutating func sweep(now: Int64) {
        lastSweepAt = now
        let window = settings.windowMilliseconds
        sources = sources.filter { _, source in
            source.bannedUntil > now || source.forgetOffencesAt > now || source.quietUntil > now
                || (source.failureTimes.last.map { now - $0 < window } ?? false)
        }
        let sprayWindow = settings.sprayWindowMilliseconds
        accounts = accounts.filter { _, record in record.sprayUntil > now || now - record.lastFailureAt < sprayWindow }
        let remember = settings.rememberRegistrationsMilliseconds
        registrations = registrations.filter { now - Int64($0.value) * 1000 < remember }
    }

    /// A span for humans: `90s`, `15m`, `2h`, `7d`, or a mix (`1h30m`).
    static func text(_ milliseconds: Int64) -> String {
        var seconds = milliseconds / 1000
        guard seconds > 0 else { return "\(milliseconds)ms" }
        var text = ""
        for (unit, length) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= length {
            text += "\(seconds / length)\(unit)"
            seconds %= length
        }
        return text
    }
}
