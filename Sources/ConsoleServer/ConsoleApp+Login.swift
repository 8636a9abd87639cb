import ControlAPI

/// The login form and its check: the password is checked by the control service (which
/// records a failure as `console.login_failed`), and a success starts a session.
extension ConsoleApp {
    func loginPage(problem: String? = nil, username: String = "", status: Int = 200) -> ConsoleResponse {
        .html(status, ConsoleLayout.page(title: "Log in", active: "", session: nil, """
            \(HTML.problem(problem))
            <form method="post" action="/login" class="login">
            <div class="field"><label>User name <input name="username" autocomplete="username" required autofocus value="\(HTML.escape(username))"></label></div>
            <div class="field"><label>Password <input name="password" type="password" autocomplete="current-password" required></label></div>
            <button type="submit">Log in</button>
            </form>
            <p class="muted">Accounts are made on the daemon's host with <code>sipwardenctl console user add NAME --role admin</code>.</p>
            """))
    }

    func login(_ request: ConsoleRequest) async -> ConsoleResponse {
        let username = request.form["username"] ?? ""
        let attempt = ConsoleLoginRequest(username: username, password: request.form["password"] ?? "", client: request.client)
        switch await change(.consoleLogin, attempt, as: nil) {
        case .success(let response):
            guard case .success(let answer) = Self.decode(response, ConsoleLoginResponse.self) else {
                return loginPage(problem: "The daemon's answer could not be read.", username: username, status: 500)
            }
            let session = sessions.create(user: answer.username, role: answer.role)
            return .redirect("/registrations", headers: [("Set-Cookie", sessions.cookie(for: session))])
        case .failure(let problem) where problem.status == 401:
            forgetBans()  // this failure may have been the one that banned the address
            return loginPage(problem: "Wrong user name or password.", username: username, status: 401)
        case .failure(let problem):
            return loginPage(problem: problem.message, username: username, status: problem.status)
        }
    }
}
