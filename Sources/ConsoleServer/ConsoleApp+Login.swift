import ControlAPI

/// The login form and its check: the password is checked by the control service (which
/// records a failure as `console.login_failed`), and a success starts a session.
///
/// The form is CSRF-protected too (a forged cross-site login would put the victim's browser in
/// the attacker's account): each form carries a fresh random token that is also set as the
/// `sipwarden_login` cookie (HttpOnly, SameSite=Strict, so a cross-site post never carries
/// it), and a post whose field and cookie differ is refused before the password is checked.
extension ConsoleApp {
    /// The login form's CSRF cookie.
    static let loginCookieName = "sipwarden_login"

    func loginPage(problem: String? = nil, username: String = "", status: Int = 200) -> ConsoleResponse {
        let token = ConsoleSessions.randomToken()
        var response = ConsoleResponse.html(status, ConsoleLayout.page(title: "Log in", active: "", session: nil, """
            \(HTML.problem(problem))
            <form method="post" action="/login" class="login">
            <input type="hidden" name="csrf" value="\(token)">
            <div class="field"><label>User name <input name="username" autocomplete="username" required autofocus value="\(HTML.escape(username))"></label></div>
            <div class="field"><label>Password <input name="password" type="password" autocomplete="current-password" required></label></div>
            <button type="submit">Log in</button>
            </form>
            <p class="muted">Accounts are made on the daemon's host with <code>sipwardenctl console user add NAME --role admin</code>.</p>
            """))
        response.headers.append(("Set-Cookie", "\(Self.loginCookieName)=\(token); Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600"))
        return response
    }

    func login(_ request: ConsoleRequest) async -> ConsoleResponse {
        let username = request.form["username"] ?? ""
        guard let field = request.form["csrf"], let cookie = request.cookies[Self.loginCookieName], !field.isEmpty,
              ConsoleSessions.sameToken(field, cookie) else {
            logger.notice("console login refused: CSRF check failed", metadata: ["client": "\(request.client)"])
            return loginPage(problem: "This login form is stale or did not come from this console (CSRF check failed). Log in again.",
                             username: username, status: 403)
        }
        let attempt = ConsoleLoginRequest(username: username, password: request.form["password"] ?? "", client: request.client)
        switch await change(.consoleLogin, attempt, as: nil) {
        case .success(let response):
            guard case .success(let answer) = Self.decode(response, ConsoleLoginResponse.self) else {
                return loginPage(problem: "The daemon's answer could not be read.", username: username, status: 500)
            }
            let session = sessions.create(user: answer.username, role: answer.role)
            return .redirect("/registrations", headers: [
                ("Set-Cookie", sessions.cookie(for: session)),
                ("Set-Cookie", "\(Self.loginCookieName)=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"),
            ])
        case .failure(let problem) where problem.status == 401:
            forgetBans()  // this failure may have been the one that banned the address
            return loginPage(problem: "Wrong user name or password.", username: username, status: 401)
        case .failure(let problem):
            return loginPage(problem: problem.message, username: username, status: problem.status)
        }
    }
}
