import ControlAPI
import ControlServer
import Foundation
import Logging
import Synchronization

/// The console's pages and actions. Every read and every change goes through `LocalControl`
/// (the control API's own dispatcher) with the logged-in user as the caller, so the console
/// has no implementation of its own of any action.
final class ConsoleApp: Sendable {
    let control: LocalControl
    let sessions: ConsoleSessions
    let logger: Logger
    /// Recent answers of "is this address banned?" (a few seconds), so pages stay fast.
    private let banCache = Mutex<[String: (checked: ContinuousClock.Instant, ban: BanInfo?)]>([:])
    /// The accounts as last read (a few seconds), so a removed account or a changed role takes
    /// effect on its open sessions at once.
    private let accountCache = Mutex<(checked: ContinuousClock.Instant, roles: [String: ConsoleRole])?>(nil)

    init(control: LocalControl, sessions: ConsoleSessions, logger: Logger) {
        self.control = control
        self.sessions = sessions
        self.logger = logger
    }

    /// Answers one request.
    func respond(_ request: ConsoleRequest) async -> ConsoleResponse {
        switch (request.method, request.path) {
        case ("GET", "/assets/console.css"): return .file("text/css; charset=utf-8", Array(ConsoleAssets.stylesheet.utf8))
        case ("GET", "/assets/console.js"): return .file("text/javascript; charset=utf-8", Array(ConsoleAssets.script.utf8))
        case ("GET", "/favicon.ico"): return ConsoleResponse(status: 404, headers: [], body: [])
        default: break
        }
        // A banned address gets nothing but the reason: the firewall guards the SIP ports, the
        // console guards itself.
        if let ban = await ban(of: request.client) {
            return .html(403, ConsoleLayout.page(title: "Access refused", active: "", session: nil, """
                <p class="problem">Your address \(HTML.escape(request.client)) is banned for \(HTML.duration(ban.expiresIn)) more: \
                \(HTML.escape(ban.reason)) (by \(HTML.escape(ban.source))).</p>
                """))
        }
        if request.path == "/login" {
            return request.method == "POST" ? await login(request) : loginPage()
        }
        guard var session = sessions.session(request.cookies[ConsoleSessions.cookieName]) else {
            return .redirect("/login")
        }
        guard let role = await role(of: session.user) else {
            sessions.end(session.token)
            return .redirect("/login", headers: [("Set-Cookie", ConsoleSessions.clearedCookie)])
        }
        session.role = role
        if request.method == "POST" {
            guard let csrf = request.form["csrf"], ConsoleSessions.sameToken(csrf, session.csrf) else {
                return .html(403, page("Refused", "", session, HTML.problem(
                    "This form is stale or did not come from this console (CSRF check failed). Reload the page and try again.")))
            }
            if request.path == "/logout" {
                sessions.end(session.token)
                return .redirect("/login", headers: [("Set-Cookie", ConsoleSessions.clearedCookie)])
            }
            guard session.isAdmin else {
                logger.notice("console change refused: viewer", metadata: ["user": "\(session.user)", "path": "\(request.path)"])
                return .html(403, page("Refused", "", session, HTML.problem(
                    "Your account \(session.user) is a viewer: it may look at every page but change nothing. Ask an admin.")))
            }
        }
        switch (request.method, request.path) {
        case ("GET", "/"): return .redirect("/registrations")
        case ("GET", "/registrations"): return await registrationsPage(request, session)
        case ("GET", "/registrations/stream"): return registrationsStream(request, session)
        case ("GET", "/registrations/show"): return await registrationDetail(request, session)
        case ("GET", "/registrations/unregister"): return await unregisterConfirmation(request, session)
        case ("POST", "/registrations/unregister"): return await unregister(request, session)
        case ("GET", "/registrations/export"): return await export(request, session)
        case ("GET", "/security"): return await securityPage(request, session)
        case ("GET", "/security/events"): return eventsStream(session)
        case ("GET", "/security/why"): return await banWhyPage(request, session)
        case ("POST", "/security/ban"): return await banAction(request, session)
        case ("POST", "/security/unban"): return await unbanAction(request, session)
        case ("POST", "/security/trust"): return await trustAction(request, session)
        case ("POST", "/security/untrust"): return await untrustAction(request, session)
        case ("GET", "/phones"): return await phonesPage(request, session)
        case ("POST", "/phones/allow"): return await allowAction(request, session)
        case ("POST", "/phones/disallow"): return await disallowAction(request, session)
        case ("GET", "/rules"): return await rulesPage(session)
        case ("GET", "/rules/edit"): return await ruleEditPage(request, session)
        case ("POST", "/rules/edit"): return await ruleSave(request, session)
        case ("GET", "/analysis"): return await analysisPage(request, session)
        case ("GET", "/trunks"): return await trunksPage(request, session)
        case ("GET", "/trunks/disable"): return trunkDisableConfirmation(request, session)
        case ("POST", "/trunks/enable"): return await trunkAction(request, session, .enable)
        case ("POST", "/trunks/disable"): return await trunkAction(request, session, .disable)
        case ("POST", "/trunks/refresh"): return await trunkAction(request, session, .refresh)
        default:
            return .html(404, page("Not found", "", session, HTML.problem("No page at \(request.path).")))
        }
    }

    /// A page in the frame, with the session's flash message.
    func page(_ title: String, _ active: String, _ session: ConsoleSessions.Session, _ content: String) -> String {
        ConsoleLayout.page(title: title, active: active, session: session, flash: sessions.takeFlash(session.token), content)
    }

    // MARK: the control API

    /// A read through the control API; the answer decoded, or the daemon's refusal.
    func read<Answer: Decodable>(_ route: ControlRoute, _ type: Answer.Type, as session: ConsoleSessions.Session?) async -> Result<Answer, ConsoleProblem> {
        let response = await control.respond(route, caller: session?.caller ?? "console")
        return Self.decode(response, type)
    }

    /// A change through the control API with a JSON body; the answer, or the daemon's refusal.
    func change<Body: Encodable>(_ route: ControlRoute, _ body: Body?, as session: ConsoleSessions.Session?) async -> Result<ControlHTTPResponse, ConsoleProblem> {
        let bytes = body.flatMap { try? ControlJSON.makeEncoder().encode($0) }.map(Array.init) ?? []
        let response = await control.respond(route, body: bytes, caller: session?.caller ?? "console")
        return response.isSuccess ? .success(response) : .failure(ConsoleProblem(response))
    }

    static func decode<Answer: Decodable>(_ response: ControlHTTPResponse, _ type: Answer.Type) -> Result<Answer, ConsoleProblem> {
        guard response.isSuccess else { return .failure(ConsoleProblem(response)) }
        do {
            return .success(try ControlJSON.makeDecoder().decode(Answer.self, from: Data(response.body)))
        } catch {
            return .failure(ConsoleProblem(status: 500, message: "the daemon's answer could not be read: \(error)"))
        }
    }

    /// The ban blocking `client`, if any (asked at most every 2 seconds per address).
    private func ban(of client: String) async -> BanInfo? {
        let now = ContinuousClock.now
        if let cached = banCache.withLock({ $0[client] }), now - cached.checked < .seconds(2) { return cached.ban }
        let answer = await read(.banWhy(target: client), BanWhyResponse.self, as: nil)
        let ban = try? answer.get().ban
        banCache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[client] = (now, ban)
        }
        return ban
    }

    /// The account's role now; nil when it was removed (its sessions end).
    private func role(of user: String) async -> ConsoleRole? {
        let now = ContinuousClock.now
        if let cached = accountCache.withLock({ $0 }), now - cached.checked < .seconds(2) { return cached.roles[user] }
        guard case .success(let users) = await read(.listConsoleUsers, [ConsoleUserInfo].self, as: nil) else {
            return accountCache.withLock { $0 }?.roles[user]
        }
        let roles = Dictionary(users.map { ($0.name, $0.role) }, uniquingKeysWith: { first, _ in first })
        accountCache.withLock { $0 = (now, roles) }
        return roles[user]
    }

    /// Forgets the cached ban answers (after the console banned or unbanned something).
    func forgetBans() { banCache.withLock { $0.removeAll() } }
}
