import Configuration
import ControlAPI
import ControlServer
import Foundation
import History
import Logging
import Registrar
import SIPCore
import Store

/// The daemon's answers to the control API: registrations and subscribers, read from and
/// written through the same state the SIP path uses.
final class DaemonControlService: ControlService {
    let service: SIPService
    /// Bans, plugins and events.
    var security: SecurityCoordinator { service.security }
    let store: any StoreBackend
    let configuration: DaemonConfiguration
    private let startedAt: Timestamp
    /// Where the audit lines go (DaemonControlService+Audit.swift).
    let logger: Logger
    /// The outbound registrations (DaemonControlService+Trunks.swift); nil when not started.
    let trunkManager: TrunkManager?

    init(service: SIPService, store: any StoreBackend, configuration: DaemonConfiguration, startedAt: Timestamp,
         logger: Logger = Logger(label: "sipwarden.control"), trunks: TrunkManager? = nil) {
        self.trunkManager = trunks
        self.service = service
        self.logger = logger
        self.store = store
        self.configuration = configuration
        self.startedAt = startedAt
    }

    func registrations() async throws -> [RegistrationInfo] {
        let now = SystemClock.now()
        let bindings = service.liveBindings(now: now)
        return bindings.sorted { ($0.aor, $0.contact) < ($1.aor, $1.contact) }.map { binding in
            RegistrationInfo(
                aor: binding.aor, contact: binding.contact, expiresIn: Int(now.secondsUntil(binding.expiresAt)),
                source: RegistrationInfo.address(ip: binding.source.ip, port: binding.source.port),
                transport: binding.transport.rawValue, userAgent: binding.userAgent,
                registeredAt: Self.date(binding.registeredAt), nat: binding.nat, callID: binding.callID,
                cseq: Int(binding.cseq), q: binding.qThousandths.map { Double($0) / 1000 },
                updatedAt: Self.date(binding.updatedAt)
            )
        }
    }

    func subscribers() async throws -> [SubscriberInfo] {
        let all = service.state.withLock { $0.registrar.directory.all }
        return all.sorted { ($0.username, $0.domain ?? "") < ($1.username, $1.domain ?? "") }.map {
            Self.info($0)
        }
    }

    // Requests arrive validated: the control dispatcher checks every field (SubscriberValidation).
    func addSubscriber(_ request: SubscriberAddRequest) async throws {
        _ = try await addOrReplaceSubscriber(request)
    }

    func addOrReplaceSubscriber(_ request: SubscriberAddRequest) async throws -> Bool {
        var subscriber = makeSubscriber(username: request.username, password: request.password ?? Self.unknowablePassword(), domain: request.domain)
        let existing = try store.subscriber(username: subscriber.username, domain: subscriber.domain)
        if let existing {
            let name = subscriber.domain.map { "\(subscriber.username)@\($0)" } ?? subscriber.username
            let domainFlag = subscriber.domain.map { " --domain \($0)" } ?? ""
            guard request.replace else {
                throw ControlServiceError.conflict(
                    "subscriber \(name) exists; use --replace to set a new password (auth mode and ranges are kept), or subscriber passwd",
                    hint: "sipwardenctl subscriber passwd \(subscriber.username)\(domainFlag), or sipwardenctl subscriber add \(subscriber.username)\(domainFlag) --replace")
            }
            if request.password == nil {
                // An ip/ip+port phone replaced without a password keeps the digests it had.
                subscriber.ha1MD5 = existing.ha1MD5
                subscriber.ha1SHA256 = existing.ha1SHA256
            }
        }
        // A replacement keeps what the request does not give (its allowed ranges live in their
        // own table and are untouched).
        subscriber.displayName = request.displayName ?? existing?.displayName
        subscriber.account = request.account ?? existing?.account
        subscriber.authMode = request.authMode.flatMap(AuthMode.init(rawValue:)) ?? existing?.authMode ?? .password
        try store.upsertSubscriber(subscriber, now: SystemClock.now())
        service.state.withLock { $0.registrar.directory.upsert(subscriber) }
        audit("subscriber.add", existing == nil ? "subscriber added" : "subscriber replaced", [
            "subscriber": Self.auditName(subscriber.username, subscriber.domain), "auth_mode": "\(subscriber.authMode.rawValue)",
            "account": "\(subscriber.account ?? "")",
        ])
        return existing != nil
    }

    func exportSubscribers() async throws -> SubscriberImportRequest {
        let all = try store.subscribers()
        return SubscriberImportRequest(entries: all.map { subscriber in
            SubscriberImportEntry(
                username: subscriber.username, password: "", domain: subscriber.domain, account: subscriber.account,
                displayName: subscriber.displayName, authMode: subscriber.authMode.rawValue, realm: subscriber.realm,
                ha1MD5: subscriber.ha1MD5, ha1SHA256: subscriber.ha1SHA256)
        })
    }

    func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse {
        let directory = service.state.withLock { $0.registrar.directory }
        let subscribers = try request.entries.enumerated().map { index, entry in
            var subscriber = makeSubscriber(
                username: entry.username, password: entry.isPasswordless || entry.hasDigests ? Self.unknowablePassword() : entry.password,
                domain: entry.domain)
            if let realm = entry.realm, let md5 = entry.ha1MD5, let sha256 = entry.ha1SHA256 {
                // Exported digests: usable only in the realm they were computed for.
                guard realm == subscriber.realm else {
                    throw ControlServiceError.badRequest(
                        "entry \(index + 1) (\(entry.username)): its HA1 digests are for realm '\(realm)', but this daemon authenticates \(entry.username) in realm '\(subscriber.realm)'",
                        hint: "nothing was imported; give that subscriber a password instead (user;password), or import where auth.realm is '\(realm)'")
                }
                subscriber.ha1MD5 = md5.lowercased()
                subscriber.ha1SHA256 = sha256.lowercased()
            }
            // Columns the file does not give keep an existing subscriber's values.
            let existing = directory.lookup(username: subscriber.username, domain: subscriber.domain ?? "")
                .flatMap { $0.domain == subscriber.domain ? $0 : nil }
            subscriber.account = entry.account ?? existing?.account
            subscriber.displayName = entry.displayName ?? existing?.displayName
            subscriber.authMode = entry.authMode.flatMap(AuthMode.init(rawValue:)) ?? existing?.authMode ?? .password
            return subscriber
        }
        let count = try store.importSubscribers(subscribers, now: SystemClock.now())
        service.state.withLock { state in
            for subscriber in subscribers { state.registrar.directory.upsert(subscriber) }
        }
        audit("subscriber.import", "subscribers imported", ["count": "\(count)"])
        return SubscriberImportResponse(imported: count)
    }

    func removeSubscriber(username: String, domain: String?) async throws -> Bool {
        let removed = try store.removeSubscriber(username: username, domain: domain)
        let known = service.state.withLock { $0.registrar.directory.remove(username: username, domain: domain) }
        try service.setAllowedRanges([], username: username, domain: domain)  // the store cascades its rows
        if removed || known { audit("subscriber.remove", "subscriber removed", ["subscriber": Self.auditName(username, domain)]) }
        return removed || known
    }

    func health() async throws -> HealthInfo {
        let (bindings, subscribers) = service.state.withLock { ($0.registrar.location.count, $0.registrar.directory.count) }
        let uptime = Int(SystemClock.now().milliseconds - startedAt.milliseconds) / 1000
        var health = HealthInfo(
            version: SIPWardenVersion.current, uptimeSeconds: uptime, bindings: bindings, subscribers: subscribers,
            firewall: security.firewallName,
            protections: (security.plugins?.plugins ?? []).map(Self.protection),
            policiesDirectory: security.plugins.flatMap { $0.policiesDirectory.isEmpty ? nil : $0.policiesDirectory }
        )
        health.history = security.history?.statistics
        if security.firewallName == "nftables" { health.firewallTable = "inet \(configuration.nftables.table)" }
        return health
    }

    /// A subscriber with HA1 digests for its realm (its domain, or the configured realm).
    func makeSubscriber(username: String, password: String, domain: String?) -> Subscriber {
        let domain = domain.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        let realm = domain ?? configuration.registrar.realm
        return Subscriber(
            username: username, domain: domain, realm: realm,
            ha1MD5: Digest.ha1(username: username, realm: realm, password: password, algorithm: .md5),
            ha1SHA256: Digest.ha1(username: username, realm: realm, password: password, algorithm: .sha256)
        )
    }

    static func date(_ timestamp: Timestamp) -> Date {
        Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
    }
}

extension SIPService {
    /// The control API's operations (`ControlService`) over this service, `store` and
    /// `configuration`; `startedAt` is the daemon's start, for the uptime in `health`.
    public func controlService(store: any StoreBackend, configuration: DaemonConfiguration, startedAt: Timestamp,
                               logger: Logger = Logger(label: "sipwarden.control"), trunks: TrunkManager? = nil) -> any ControlService {
        DaemonControlService(service: self, store: store, configuration: configuration, startedAt: startedAt, logger: logger, trunks: trunks)
    }
}
