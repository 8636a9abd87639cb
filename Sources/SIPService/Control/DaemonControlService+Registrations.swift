import ControlAPI
import ControlServer
import Foundation
import Registrar
import SecurityLog
import SIPCore
import SIPWardenPolicy

/// The control API's registration-management routes: filtered listings (live, unreachable
/// and recently expired bindings), one AOR in full, and force-unregister.
extension DaemonControlService {
    func registrations(matching query: RegistrationQuery) async throws -> [RegistrationInfo] {
        query.select(bindingRows(now: SystemClock.now()), offset: 0, limit: .max).rows.map(\.info)
    }

    /// One page of the listing (the web console's table): filtered and ordered on the
    /// bindings themselves, so only the page's rows become `RegistrationInfo`s.
    func registrationPage(matching query: RegistrationQuery, offset: Int, limit: Int) async throws -> RegistrationPage {
        let (total, rows) = query.select(bindingRows(now: SystemClock.now()), offset: offset, limit: limit)
        return RegistrationPage(total: total, offset: offset, limit: limit, registrations: rows.map(\.info))
    }

    func registration(aor requested: String) async throws -> RegistrationDetail? {
        let now = SystemClock.now()
        let candidates = bindingRows(now: now)
        guard let aor = try Self.resolveOrExplain(requested, among: candidates.map(\.aor), command: "show") else { return nil }
        let rows = candidates.filter { $0.aor == aor }.map(\.info)
        let stored = Dictionary((try? store.bindings(of: aor))?.map { ($0.contact, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        // The Contact parameters as the registrar holds them (live, or ended and retained),
        // else as stored.
        let held = service.state.withLock { $0.registrar.location.bindings(of: aor, now: now) }
            + service.ended.current(now: now, excluding: []).map(\.binding).filter { $0.aor == aor }
        let inMemory = Dictionary(held.map { ($0.contact, $0) }, uniquingKeysWith: { a, _ in a })
        let states = service.keepalive.states()
        let bindings = rows.filter { $0.aor == aor }.sorted { ($0.status == .expired ? 1 : 0, $0.contact) < ($1.status == .expired ? 1 : 0, $1.contact) }
        let details = bindings.map { row -> RegistrationBindingDetail in
            let binding = stored[row.contact]
            let parameters = inMemory[row.contact] ?? binding
            let state = binding.flatMap { states[BindingKey(aor: aor, contactKey: $0.contactKey)] }
            return RegistrationBindingDetail(
                registration: row, viaPath: binding?.viaPath ?? "", contactParameters: parameters?.contactParameters ?? "",
                instance: parameters?.instanceID, regID: parameters?.regID,
                keepaliveMisses: state?.misses ?? 0, lastKeepaliveAnswerAt: state?.lastAnswer.map(Self.date),
                unreachableSince: state?.unreachableSince.map(Self.date)
            )
        }
        // From the history (it survives restarts and log rotation); from the end of the
        // security log only when the history is disabled.
        let events: [BanEvidenceEvent]
        let source: String
        if let recorder = security.history {
            events = try recorder.store.events(HistoryQuery(aor: aor, limit: RegistrationDetail.maxEvents), now: Date()).reversed().map(\.evidence)
            source = RegistrationDetail.eventsFromHistory
        } else {
            events = SecurityLogTail.events(
                aor: aor, path: SecurityLog.path(dataDirectory: configuration.dataDirectory), limit: RegistrationDetail.maxEvents)
            source = RegistrationDetail.eventsFromSecurityLog
        }
        var detail = RegistrationDetail(aor: aor, account: bindings.first?.account, bindings: details, events: events)
        detail.eventsSource = source
        return detail
    }

    func unregister(_ request: UnregisterRequest, caller: String) async throws -> UnregisterResponse {
        let now = SystemClock.now()
        let live = service.liveBindings(now: now)
        let chosen: [Binding]
        if let ip = request.ip {
            guard let network = IPNetwork(ip) else { throw ControlServiceError(status: 400, message: IPNetwork.problem(ip) ?? "bad range") }
            chosen = live.filter { network.contains($0.source.address) || network.contains(IPNetwork.host(of: $0.contact)) }
        } else if let requested = request.aor {
            guard let aor = try Self.resolveOrExplain(requested, among: live.map(\.aor), command: "unregister") else {
                throw ControlServiceError(status: 404, message: "no live bindings for '\(requested)'",
                                          hint: "see who is registered with 'sipwardenctl registrations list'")
            }
            chosen = live.filter { binding in
                binding.aor == aor && (request.contact.map { Self.contact($0, names: binding) } ?? true)
            }
            if chosen.isEmpty, let contact = request.contact {
                throw ControlServiceError(status: 404, message: "\(aor) has no binding with contact \(contact)",
                                          hint: "give the contact exactly as 'sipwardenctl registrations show \(aor)' prints it")
            }
        } else {
            chosen = []
        }
        let accounts = accountsByAOR(Set(chosen.map(\.aor)))
        guard !request.dryRun else {
            return UnregisterResponse(dryRun: true, removed: chosen.map { row($0, now: now, status: .registered, account: accounts[$0.aor] ?? nil) })
        }
        var removed: [Binding] = []
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // The answer waits for the commit: a force-unregister that is acknowledged survives a restart.
            removed = service.removeBindings(chosen, reason: "forced_out", now: now) { error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
        }
        security.record(removed.map { binding in
            SecurityEvent(
                timeMilliseconds: now.milliseconds, kind: SecurityEventKind.registerForcedOut, sourceIP: binding.source.ip,
                sourcePort: binding.source.port, transport: binding.transport.rawValue, aor: binding.aor, username: caller,
                userAgent: binding.userAgent, contact: binding.contact, detail: "operator"
            )
        })
        audit("registrations.unregister", "bindings force-unregistered", [
            "count": "\(removed.count)", "aor": "\(request.aor ?? "")", "contact": "\(request.contact ?? "")", "ip": "\(request.ip ?? "")",
            "bindings": "\(removed.map { "\($0.aor) \($0.contact)" }.joined(separator: ", "))",
        ])
        return UnregisterResponse(dryRun: false, removed: removed.map { row($0, now: now, status: .expired, account: accounts[$0.aor] ?? nil) })
    }

    // MARK: - Rows

    /// Every live binding (registered or unreachable) and every recently ended one, as the
    /// listing's filters and sort read them.
    func bindingRows(now: Timestamp) -> [BindingRow] {
        let ended = service.ended.current(now: now, excluding: [])
        let (directory, endedRows) = service.state.withLock { state in
            let location = state.registrar.location
            // An ended binding whose phone registered again is listed once, as live.
            let stillEnded = ended.filter { entry in
                !location.bindings(of: entry.binding.aor, now: now).contains { $0.contactKey == entry.binding.contactKey }
            }
            return (state.registrar.directory, stillEnded)
        }
        let live = service.liveBindings(now: now)
        // Only the unreachable ones change a row's status; most tables have none to look up.
        let unreachable = Set(service.keepalive.states().compactMap { $0.value.unreachableSince == nil ? nil : $0.key })
        var rows: [BindingRow] = []
        rows.reserveCapacity(live.count + endedRows.count)
        for binding in live {
            let down = !unreachable.isEmpty && unreachable.contains(BindingKey(aor: binding.aor, contactKey: binding.contactKey))
            rows.append(BindingRow(binding: binding, status: down ? .unreachable : .registered, now: now, directory: directory))
        }
        for entry in endedRows {
            rows.append(BindingRow(binding: entry.binding, status: .expired, now: now, directory: directory))
        }
        return rows
    }

    private func row(_ binding: Binding, now: Timestamp, status: RegistrationStatus, account: String?) -> RegistrationInfo {
        BindingRow(binding: binding, status: status, now: now, directory: SubscriberDirectory()).info(account: account)
    }

    private func accountsByAOR(_ aors: Set<String>) -> [String: String?] {
        let subscribers = service.state.withLock { $0.registrar.directory }
        return Dictionary(uniqueKeysWithValues: aors.map { ($0, Self.account(of: $0, in: subscribers)) })
    }

    /// The account tag of the subscriber owning `aor` ("sip:user@domain").
    static func account(of aor: String, in directory: SubscriberDirectory) -> String? {
        let user = RegistrationQuery.userPart(of: aor)
        guard !user.isEmpty, let at = aor.lastIndex(of: "@") else { return nil }
        return directory.lookup(username: user, domain: String(aor[aor.index(after: at)...]))?.account
    }

    /// The AOR an operator meant: exact, `user@domain` (sip: added), or a bare user part
    /// when exactly one AOR has it.
    static func resolve(_ requested: String, among aors: [String]) -> String? {
        if case .found(let aor) = resolution(of: requested, among: aors) { return aor }
        return nil
    }

    /// What `requested` names among `aors`: one AOR, several (a bare user part registered
    /// under more than one domain), or none.
    static func resolution(of requested: String, among aors: [String]) -> AORResolution {
        let known = Set(aors)
        if known.contains(requested) { return .found(requested) }
        if !requested.hasPrefix("sip:"), known.contains("sip:" + requested) { return .found("sip:" + requested) }
        guard !requested.contains("@") else { return .none }
        let matching = known.filter { RegistrationQuery.userPart(of: $0) == requested }.sorted()
        switch matching.count {
        case 0: return .none
        case 1: return .found(matching[0])
        default: return .ambiguous(matching)
        }
    }

    /// The AOR `requested` names, nil when none; a name several AORs share is refused with
    /// 409, listing them, so the operator can pick one instead of reading "no bindings".
    static func resolveOrExplain(_ requested: String, among aors: [String], command: String) throws -> String? {
        switch resolution(of: requested, among: aors) {
        case .found(let aor): return aor
        case .none: return nil
        case .ambiguous(let matching):
            throw ControlServiceError(
                status: 409, message: "'\(requested)' is ambiguous: it is registered as \(matching.joined(separator: ", "))",
                hint: "name one AOR in full, e.g. 'sipwardenctl registrations \(command) \(matching[0])'")
        }
    }

    /// Whether an operator's `--contact` names `binding`: its URI, or the contact as
    /// `registrations show` prints it (the URI followed by the parameters the phone registered
    /// it with), either with or without `<>` around the URI.
    static func contact(_ given: String, names binding: Binding) -> Bool {
        let text = given.trimmingCharacters(in: .whitespaces)
        let enclosed = "<" + binding.contact + ">"
        return text == binding.contact || text == binding.contact + binding.contactParameters
            || text == enclosed || text == enclosed + binding.contactParameters
    }
}

/// A binding as the registration listing's filters and sort read it (`RegistrationQuery.select`):
/// the account is looked up, and the `RegistrationInfo` built, only when asked.
struct BindingRow: RegistrationRowFields {
    let binding: Binding
    let status: RegistrationStatus
    let now: Timestamp
    let directory: SubscriberDirectory

    var aor: String { binding.aor }
    var contact: String { binding.contact }
    var sourceIP: String { binding.source.ip }
    var sourcePort: Int { binding.source.port }
    var receivedIP: String { binding.source.ip }
    var receivedPort: Int { binding.source.port }
    var transport: String { binding.transport.rawValue }
    var expiresIn: Int { max(0, Int(now.secondsUntil(binding.expiresAt))) }
    var nat: Bool { binding.nat }
    var userAgent: String? { binding.userAgent }
    var registeredAt: Date { DaemonControlService.date(binding.registeredAt) }
    var updatedAt: Date { DaemonControlService.date(binding.updatedAt) }
    var callID: String { binding.callID }
    var cseq: Int { Int(binding.cseq) }
    var q: Double? { binding.qThousandths.map { Double($0) / 1000 } }
    var account: String? { DaemonControlService.account(of: binding.aor, in: directory) }

    /// The row as the control API lists it.
    var info: RegistrationInfo { info(account: account) }

    /// The row as the control API lists it, with the account already known.
    func info(account: String?) -> RegistrationInfo {
        RegistrationInfo(
            aor: aor, contact: contact, expiresIn: expiresIn, source: RegistrationInfo.address(ip: sourceIP, port: sourcePort),
            transport: transport, userAgent: userAgent, registeredAt: registeredAt, nat: nat, callID: callID, cseq: cseq, q: q,
            updatedAt: updatedAt, status: status, account: account
        )
    }
}
