import ControlAPI

/// What the control server asks of the daemon: the operations behind each control route.
///
/// The daemon implements it over its registrar, store and clocks; tests implement it with
/// fakes. Requests reach it already decoded and validated (`validationProblem()` was nil).
/// To refuse a request with a 4xx status, throw `ControlServiceError`; any other error
/// becomes a 500 carrying the error's description.
public protocol ControlService: Sendable {
    /// Every live binding, `expires_in` computed at the time of the call.
    func registrations() async throws -> [RegistrationInfo]

    /// Every provisioned subscriber, without credentials.
    func subscribers() async throws -> [SubscriberInfo]

    /// Provisions one subscriber (answered with 201). Whether an existing subscriber with the
    /// same username and domain is replaced or refused (`ControlServiceError.conflict`, 409)
    /// is the daemon's choice.
    func addSubscriber(_ request: SubscriberAddRequest) async throws

    /// Provisions one subscriber, replacing an existing one only when `request.replace` is set;
    /// returns true when it replaced one (answered with 200 instead of 201).
    func addOrReplaceSubscriber(_ request: SubscriberAddRequest) async throws -> Bool

    /// Every subscriber with its HA1 digests and no password, as `importSubscribers` takes
    /// them back (`sipwardenctl subscriber export`).
    func exportSubscribers() async throws -> SubscriberImportRequest

    /// Adds or updates every entry in one transaction: all of them or, on error, none.
    /// Existing subscribers (same username and domain) get the new password.
    func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse

    /// Removes one subscriber; returns false when there is no such subscriber (answered
    /// with 404).
    func removeSubscriber(username: String, domain: String?) async throws -> Bool

    /// The daemon's version, uptime and sizes.
    func health() async throws -> HealthInfo

    /// Every ban in force, `expires_in` computed at the time of the call.
    func bans() async throws -> [BanInfo]

    /// Bans `request.target` (already canonical: `BanTarget.canonical`) for
    /// `request.seconds`, recorded with `request.effectiveSource`; answered with 201 and the
    /// ban as now in force (a re-ban keeps the longer expiry). Refuse a trusted address with
    /// `ControlServiceError` 409.
    func addBan(_ request: BanAddRequest) async throws -> BanInfo

    /// Lifts the ban on exactly `target` (canonical); false when there is none (404).
    func removeBan(target: String) async throws -> Bool

    /// The ban blocking `target` (canonical): the ban of exactly that address or range, else
    /// the narrowest banned range containing it; nil when nothing blocks it (404).
    func banWhy(target: String) async throws -> BanWhyResponse?

    /// Every policy plugin the daemon knows, loaded or not.
    func plugins() async throws -> [PluginInfo]

    /// Re-reads the policy files without touching registrations or bans; returns the plugins
    /// after the reload.
    func reloadPlugins() async throws -> [PluginInfo]

    // Registration management (defaults in ControlService+Registrations.swift).

    /// The bindings `query` selects (live, unreachable and recently expired ones carry their
    /// `status`), in its order.
    func registrations(matching query: RegistrationQuery) async throws -> [RegistrationInfo]

    /// One AOR's bindings in full and its latest events; nil when it has none (404). `aor` may
    /// be `sip:user@domain`, `user@domain` or a bare user part.
    func registration(aor: String) async throws -> RegistrationDetail?

    /// Removes (or, for a dry run, lists) the bindings the request names, persisted before
    /// the answer; `caller` is who asked ("uid 1000", or "control" when unknown).
    func unregister(_ request: UnregisterRequest, caller: String) async throws -> UnregisterResponse

    // Issue 5, operator control; defaults (501) in ControlService+Operator.swift.

    /// One subscriber with its allowed ranges; nil when there is none (404).
    func subscriber(username: String, domain: String?) async throws -> SubscriberDetail?

    /// Changes a subscriber's details (validated); nil when there is none (404).
    func updateSubscriber(username: String, domain: String?, _ request: SubscriberUpdateRequest) async throws -> SubscriberInfo?

    /// Sets a subscriber's password (validated); false when there is none (404).
    func setPassword(username: String, domain: String?, _ request: SubscriberPasswordRequest) async throws -> Bool

    /// The allowed ranges, of every subscriber or of one.
    func allowedRanges(username: String?, domain: String?) async throws -> [AllowedRangeRule]

    /// Adds an allowed range (`cidr` canonical); throw 404 for an unknown subscriber.
    func addAllowedRange(_ rule: AllowedRangeRule) async throws -> AllowedRangeRule

    /// Removes a subscriber's rules for `cidr` (canonical); false when there were none (404).
    func removeAllowedRange(username: String, domain: String?, cidr: String) async throws -> Bool

    /// The trusted ranges, from the configuration and the operator.
    func trustedRanges() async throws -> [TrustedRangeInfo]

    /// Trusts a range (canonical).
    func addTrusted(cidr: String) async throws -> TrustedRangeInfo

    /// Stops trusting an operator-added range (canonical); false when unknown (404).
    func removeTrusted(cidr: String) async throws -> Bool

    /// Traffic and security figures.
    func stats() async throws -> StatsInfo

    // Issue 13, registration history and analysis; defaults (501) in ControlService+History.swift.

    /// The recorded events `query` selects, newest first. Throw `ControlServiceError` 409 when
    /// the history is disabled.
    func history(_ query: HistoryQuery) async throws -> [HistoryEventInfo]

    /// The registration trend over `query`'s window.
    func trend(_ query: AnalysisQuery) async throws -> TrendReport

    /// Failed attempts in `query`'s window per user, source and reason, most first.
    func failures(_ query: AnalysisQuery) async throws -> [FailureGroup]

    // Issue 13, devices, countries and alerts; defaults (501) in ControlService+Analysis.swift.

    /// Live bindings and AORs per normalised device.
    func devices(_ query: AnalysisQuery) async throws -> DeviceReport

    /// Countries of live bindings' and failed attempts' sources.
    func geo(_ query: AnalysisQuery) async throws -> GeoReport

    /// The alert engine's states and the alert events of the window.
    func alerts(_ query: AnalysisQuery) async throws -> AlertsReport
    // Issue 15, the web console; defaults in ControlService+Console.swift.

    /// One page of the bindings `query` selects, with the total; the default slices
    /// `registrations(matching:)`.
    func registrationPage(matching query: RegistrationQuery, offset: Int, limit: Int) async throws -> RegistrationPage

    /// One page of the subscribers whose `user@domain` contains `filter`, with their allowed
    /// ranges; the default pages `subscribers()` and `allowedRanges`.
    func phonePage(filter: String?, offset: Int, limit: Int) async throws -> PhonePage

    /// Every console account, by name.
    func consoleUsers() async throws -> [ConsoleUserInfo]

    /// Creates (or, with `replace`, replaces) an account, keeping only a salted hash of the
    /// password; returns it and whether one was replaced. Refuse an existing one with 409.
    func addConsoleUser(_ request: ConsoleUserAddRequest) async throws -> (user: ConsoleUserInfo, replaced: Bool)

    /// Removes an account; false when there is none (404).
    func removeConsoleUser(name: String) async throws -> Bool

    /// Checks a login; nil (401) when the name or password is wrong, which the service
    /// records as a `console.login_failed` security event from `request.client`.
    func consoleLogin(_ request: ConsoleLoginRequest) async throws -> ConsoleLoginResponse?

    /// A plugin's policy file; nil when no plugin has that name (404).
    func policyFile(plugin: String) async throws -> PolicyFileText?

    /// Checks `text` with the loader the daemon uses, and only when it passes writes it as the
    /// plugin's policy file and reloads; returns the plugins after. A refused text throws
    /// `ControlServiceError` 400 naming the key and value, and nothing changes.
    func updatePolicyFile(plugin: String, text: String) async throws -> [PluginInfo]

    /// The latest `limit` security events, oldest first.
    func securityEvents(limit: Int) async throws -> [BanEvidenceEvent]
    // Issue 14, trunks (outbound registrations); 501 defaults in ControlService+Trunks.swift.
    /// Every trunk with its state.
    func trunks() async throws -> [TrunkInfo]

    /// One trunk; nil when unknown (404).
    func trunk(named name: String) async throws -> TrunkInfo?

    /// Adds a trunk (the request is checked for form already); 409 when the name exists.
    func addTrunk(_ request: TrunkAddRequest) async throws -> TrunkInfo

    /// Enables, disables or refreshes a trunk; nil when unknown (404).
    func trunk(named name: String, _ command: TrunkCommand) async throws -> TrunkInfo?

    /// Un-REGISTERs and removes a trunk; false when unknown (404).
    func removeTrunk(named name: String) async throws -> Bool
    // Issue 10, bulk ban import; a 501 default in ControlService+BanImport.swift.
    /// Bans every target of `request` (each already canonical, the request validated) in
    /// batches, answering once all are committed; refuse the whole import, banning nothing,
    /// when a target may never be banned (trusted): `ControlServiceError` 400 naming them.
    func importBans(_ request: BanImportRequest) async throws -> BanImportResponse
}

/// Answers for the ban and plugin routes until the daemon implements them: 501, so a
/// service written before they existed (and test fakes) keeps compiling and says so.
extension ControlService {
    /// Not implemented by this service: 501.
    public func bans() async throws -> [BanInfo] { throw Self.notWired("GET /v1/bans") }
    /// Not implemented by this service: 501.
    public func addBan(_ request: BanAddRequest) async throws -> BanInfo { throw Self.notWired("POST /v1/bans") }
    /// Not implemented by this service: 501.
    public func removeBan(target: String) async throws -> Bool { throw Self.notWired("DELETE /v1/bans/{target}") }
    /// Not implemented by this service: 501.
    public func banWhy(target: String) async throws -> BanWhyResponse? { throw Self.notWired("GET /v1/bans/{target}/why") }
    /// Not implemented by this service: 501.
    public func plugins() async throws -> [PluginInfo] { throw Self.notWired("GET /v1/plugins") }
    /// Not implemented by this service: 501.
    public func reloadPlugins() async throws -> [PluginInfo] { throw Self.notWired("POST /v1/plugins/reload") }

    private static func notWired(_ route: String) -> ControlServiceError {
        ControlServiceError(status: 501, message: "\(route) is not wired yet in this daemon")
    }
}
