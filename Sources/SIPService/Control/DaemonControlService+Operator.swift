import ControlAPI
import ControlServer
import Foundation
import History
import Registrar
import SIPWardenPolicy
import Store

/// The issue-5 operator routes: subscriber details, allowed and trusted ranges, stats. Every
/// change is written to the store first, then applied to the running registrar and firewall.
extension DaemonControlService {
    func subscriber(username: String, domain: String?) async throws -> SubscriberDetail? {
        guard let subscriber = try store.subscriber(username: username, domain: Self.normalized(domain)) else { return nil }
        let now = SystemClock.now()
        let bindings = service.liveBindings(now: now).filter { Self.belongs($0.aor, to: subscriber) }.count
        return SubscriberDetail(
            subscriber: Self.info(subscriber), allowed: try await allowedRanges(username: username, domain: domain), bindings: bindings)
    }

    func updateSubscriber(username: String, domain: String?, _ request: SubscriberUpdateRequest) async throws -> SubscriberInfo? {
        guard var subscriber = try store.subscriber(username: username, domain: Self.normalized(domain)) else { return nil }
        if let name = request.displayName { subscriber.displayName = name.isEmpty ? nil : name }
        if let account = request.account { subscriber.account = account.isEmpty ? nil : account }
        if let mode = request.authMode.flatMap(AuthMode.init(rawValue:)) { subscriber.authMode = mode }
        try commit(subscriber)
        audit("subscriber.set", "subscriber changed", [
            "subscriber": Self.auditName(subscriber.username, subscriber.domain), "auth_mode": "\(subscriber.authMode.rawValue)",
            "account": "\(subscriber.account ?? "")", "display_name": "\(subscriber.displayName ?? "")",
        ])
        return Self.info(subscriber)
    }

    func setPassword(username: String, domain: String?, _ request: SubscriberPasswordRequest) async throws -> Bool {
        guard let old = try store.subscriber(username: username, domain: Self.normalized(domain)) else { return false }
        var subscriber = makeSubscriber(username: old.username, password: request.password, domain: old.domain)
        subscriber.displayName = old.displayName
        subscriber.account = old.account
        subscriber.authMode = old.authMode
        try commit(subscriber)
        audit("subscriber.passwd", "subscriber password changed", ["subscriber": Self.auditName(old.username, old.domain)])
        return true
    }

    func allowedRanges(username: String?, domain: String?) async throws -> [AllowedRangeRule] {
        let domain = Self.normalized(domain)
        return try store.allowedRanges()
            .filter { username == nil || ($0.username == username && $0.domain == domain) }
            .map { AllowedRangeRule(username: $0.username, domain: $0.domain, cidr: $0.cidr, port: $0.port) }
    }

    /// The phones page: the directory is filtered and ordered in place, and only the page's
    /// subscribers become `SubscriberInfo`s.
    func phonePage(filter: String?, offset: Int, limit: Int) async throws -> PhonePage {
        let all = service.state.withLock { $0.registrar.directory.all }
        let (total, page) = PhonePage.select(all, filter: filter, offset: offset, limit: limit) { ($0.username, $0.domain) }
        let phones = page.map(Self.info)
        let ranges = PhonePage.ranges(try await allowedRanges(username: nil, domain: nil), of: phones)
        return PhonePage(total: total, offset: offset, limit: limit, phones: phones, allowedRanges: ranges)
    }

    func addAllowedRange(_ rule: AllowedRangeRule) async throws -> AllowedRangeRule {
        let domain = Self.normalized(rule.domain)
        do {
            try store.addAllowedRange(StoredAllowedRange(
                username: rule.username, domain: domain, cidr: rule.cidr, port: rule.port, createdAt: SystemClock.now()))
        } catch StoreError.noSuchSubscriber {
            throw ControlServiceError.notFound(
                "no subscriber '\(domain.map { "\(rule.username)@\($0)" } ?? rule.username)'",
                hint: "add it first with 'sipwardenctl subscriber add', or see who exists with 'sipwardenctl subscriber list'")
        }
        try reloadRanges(username: rule.username, domain: domain)
        audit("allow.add", "allowed range added", [
            "subscriber": Self.auditName(rule.username, domain), "cidr": "\(rule.cidr)", "port": "\(rule.port.map(String.init) ?? "any")",
        ])
        return AllowedRangeRule(username: rule.username, domain: domain, cidr: rule.cidr, port: rule.port)
    }

    func removeAllowedRange(username: String, domain: String?, cidr: String) async throws -> Bool {
        let domain = Self.normalized(domain)
        guard try store.removeAllowedRange(username: username, domain: domain, cidr: cidr) > 0 else { return false }
        try reloadRanges(username: username, domain: domain)
        audit("allow.remove", "allowed range removed", ["subscriber": Self.auditName(username, domain), "cidr": "\(cidr)"])
        return true
    }

    func trustedRanges() async throws -> [TrustedRangeInfo] {
        let (configured, operatorAdded) = security.trustedRanges
        let trunks = security.trunkTrusted
        return configured.map { TrustedRangeInfo(cidr: $0.description, origin: "config") }
            + operatorAdded.map { TrustedRangeInfo(cidr: $0.description, origin: "operator") }
            + trunks.keys.sorted().flatMap { name in (trunks[name] ?? []).map { TrustedRangeInfo(cidr: $0.description, origin: "trunk " + name) } }
    }

    func addTrusted(cidr: String) async throws -> TrustedRangeInfo {
        try store.addTrustedRange(cidr, now: SystemClock.now())
        try security.setOperatorTrusted(try store.trustedRanges().compactMap(IPRange.init))
        audit("trusted.add", "trusted range added", ["cidr": "\(cidr)"])
        return TrustedRangeInfo(cidr: cidr, origin: "operator")
    }

    func removeTrusted(cidr: String) async throws -> Bool {
        if security.trustedRanges.configured.contains(where: { $0.description == cidr }) {
            throw ControlServiceError.conflict(
                "\(cidr) is trusted by the configuration file", hint: "remove it from `trusted:` there and restart the daemon")
        }
        if let trunk = security.trunkTrusted.first(where: { $0.value.contains { $0.description == cidr } })?.key,
            !(try store.trustedRanges().contains(cidr))
        {
            throw ControlServiceError.conflict(
                "\(cidr) is trusted because trunk \(trunk) registers to it", hint: "it stays trusted while the trunk exists ('sipwardenctl trunk remove \(trunk)')")
        }
        guard try store.removeTrustedRange(cidr) else { return false }
        try security.setOperatorTrusted(try store.trustedRanges().compactMap(IPRange.init))
        audit("trusted.remove", "trusted range removed", ["cidr": "\(cidr)"])
        return true
    }

    func stats() async throws -> StatsInfo {
        let now = SystemClock.now()
        let (bindings, aors) = service.liveCounts(now: now)
        let figures = security.statistics
        let plugins = security.plugins?.plugins ?? []
        var info = StatsInfo(
            registrations: bindings, aors: aors, registersLastMinute: figures.registersOK.count(nowSeconds: now.seconds),
            authFailuresLastMinute: figures.authFailures.count(nowSeconds: now.seconds), registersTotal: figures.registerTimes.count,
            registerTimeAvgMs: figures.registerTimes.meanMilliseconds, registerTimeP99Ms: figures.registerTimes.quantileMilliseconds(0.99),
            activeBans: try security.bans().count, events: figures.events,
            pluginsLoaded: plugins.filter { $0.state.isLoaded }.count,
            pluginsFailed: plugins.filter(\.state.isFailure).count,
            protectionActive: security.plugins?.isProtecting ?? false,
            pluginEventsDropped: Int(clamping: security.plugins?.statistics.eventsDropped ?? 0))
        info.history = security.history?.statistics
        if let monitor = security.analysis?.monitor {
            info.alerts = Self.alertStates(monitor.states)
            info.alertWebhook = monitor.webhook.map { sender in
                let figures = sender.statistics
                return AlertsReport.Webhook(urls: sender.urls.count, delivered: figures.delivered, failed: figures.failed,
                                            dropped: figures.dropped, lastError: figures.lastError)
            }
        }
        info.trunks = try? await trunkManager?.stateCounts()
        return info
    }

    // MARK: - Helpers

    /// The listing form of a subscriber.
    static func info(_ subscriber: Subscriber) -> SubscriberInfo {
        SubscriberInfo(
            username: subscriber.username, domain: subscriber.domain, displayName: subscriber.displayName,
            account: subscriber.account, realm: subscriber.realm, authMode: subscriber.authMode.rawValue)
    }

    /// A password nobody knows, for `ip` and `ip+port` phones added without one.
    static func unknowablePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }.joined()
    }

    /// Domains are stored lower-case; "" means none.
    static func normalized(_ domain: String?) -> String? { domain.flatMap { $0.isEmpty ? nil : $0.lowercased() } }

    /// Whether `aor` ("sip:user@host") is the subscriber's (any host when it has no domain).
    static func belongs(_ aor: String, to subscriber: Subscriber) -> Bool {
        guard let colon = aor.firstIndex(of: ":"), let at = aor.lastIndex(of: "@") else { return false }
        let user = aor[aor.index(after: colon)..<at]
        let host = aor[aor.index(after: at)...]
        return user == subscriber.username && (subscriber.domain == nil || host.lowercased() == subscriber.domain)
    }

    /// Writes a subscriber to the store, then to the running registrar.
    private func commit(_ subscriber: Subscriber) throws {
        try store.upsertSubscriber(subscriber, now: SystemClock.now())
        service.state.withLock { $0.registrar.directory.upsert(subscriber) }
    }

    /// Re-reads one subscriber's ranges from the store into the registrar and firewall.
    private func reloadRanges(username: String, domain: String?) throws {
        let rows = try store.allowedRanges().filter { $0.username == username && $0.domain == domain }
        try service.setAllowedRanges(rows, username: username, domain: domain)
    }
}
