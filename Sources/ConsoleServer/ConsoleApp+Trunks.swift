import ControlAPI

/// The trunks page: every outbound registration with its state, granted expiry, next
/// refresh or retry, last success and failure, and the public contact the registrar saw;
/// admins enable, disable (after a confirmation) and refresh them. The password is never
/// part of a `TrunkInfo`, so it cannot reach the page.
extension ConsoleApp {
    func trunksPage(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        switch await read(.listTrunks, [TrunkInfo].self, as: session) {
        case .failure(let problem):
            return .html(problem.status, page("Trunks", "/trunks", session, HTML.problem(problem.message)))
        case .success(let trunks):
            var html = "<p class=\"muted\">The same list as <code>sipwardenctl trunk list</code>; add or remove trunks there or in the configuration file's <code>trunks:</code>.</p>"
            html += "<div class=\"scroll\"><table id=\"trunks\"><thead><tr>"
            for header in ["Name", "Registrar", "User", "State", "Granted expiry", "Next refresh / try", "Last success", "Last failure",
                           "Failures in a row", "Public contact", ""] {
                html += "<th scope=\"col\">\(header)</th>"
            }
            html += "</tr></thead><tbody>"
            if trunks.isEmpty { html += "<tr><td colspan=\"11\" class=\"muted\">No trunks are configured.</td></tr>" }
            for trunk in trunks { html += trunkRow(trunk, session) }
            html += "</tbody></table></div>"
            return .html(page("Trunks", "/trunks", session, html))
        }
    }

    private func trunkRow(_ trunk: TrunkInfo, _ session: ConsoleSessions.Session) -> String {
        var html = "<tr data-trunk=\"\(HTML.escape(trunk.name))\"><td>\(HTML.escape(trunk.name))"
        html += trunk.origin == "config" ? " <span class=\"muted\">(configuration file)</span>" : ""
        html += "</td><td>\(HTML.escape(trunk.registrar)) <span class=\"muted\">\(HTML.escape(trunk.transport))</span>"
        html += trunk.outboundProxy.map { "<br><span class=\"muted\">via \(HTML.escape($0))</span>" } ?? ""
        html += "</td><td>\(HTML.escape(trunk.username))</td>"
        html += "<td class=\"state-\(HTML.escape(trunk.state))\">\(trunk.state == "registered" ? "" : "<strong>")\(HTML.escape(trunk.state))\(trunk.state == "registered" ? "" : "</strong>")</td>"
        html += "<td class=\"num\">\(trunk.grantedExpires.map { HTML.duration($0) } ?? "–")"
        html += trunk.expiresAt.map { "<br><span class=\"muted\">until \(HTML.escape($0))</span>" } ?? ""
        html += "</td><td>\(HTML.escape(trunk.nextAttempt ?? "–"))</td><td>\(HTML.escape(trunk.lastSuccess ?? "–"))</td><td>"
        if let failure = trunk.lastFailure {
            html += HTML.escape(failure)
            let code = trunk.lastFailureCode.map { String($0) }
            let reason = [code, trunk.lastFailureReason].compactMap { $0 }.joined(separator: " ")
            if !reason.isEmpty { html += "<br><span class=\"problem\">\(HTML.escape(reason))</span>" }
        } else {
            html += "–"
        }
        html += "</td><td class=\"num\">\(trunk.consecutiveFailures)</td>"
        html += "<td>\(HTML.escape(trunk.contact ?? "–"))"
        html += trunk.publicAddress.map { "<br><span class=\"muted\">seen as \(HTML.escape($0))</span>" } ?? ""
        html += "</td><td>"
        if session.isAdmin {
            if trunk.enabled {
                html += "<a href=\"/trunks/disable\(HTML.query([("name", trunk.name)]))\">Disable…</a> "
            } else {
                html += trunkButton(trunk.name, .enable, session)
            }
            html += trunkButton(trunk.name, .refresh, session)
        }
        return html + "</td></tr>"
    }

    private func trunkButton(_ name: String, _ command: TrunkCommand, _ session: ConsoleSessions.Session) -> String {
        "<form method=\"post\" action=\"/trunks/\(command.rawValue)\" class=\"inline\">\(HTML.csrfField(session))"
            + "<input type=\"hidden\" name=\"name\" value=\"\(HTML.escape(name))\"><button type=\"submit\">\(command == .enable ? "Enable" : "Refresh")</button></form> "
    }

    /// Asks before a disable: the trunk un-REGISTERs and stays down until enabled again.
    func trunkDisableConfirmation(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) -> ConsoleResponse {
        guard let name = request.field("name") else { return .redirect("/trunks") }
        let html = """
            <p>Disable the trunk \(HTML.escape(name))? It un-REGISTERs from its registrar and stays down (across restarts) until enabled again; \
            calls through it stop.</p>
            <form method="post" action="/trunks/disable">\(HTML.csrfField(session))
            <input type="hidden" name="name" value="\(HTML.escape(name))">
            <button type="submit" class="danger" autofocus>Disable</button> <a href="/trunks">Cancel</a>
            </form>
            """
        return .html(page("Confirm disable", "/trunks", session, html))
    }

    /// Enables, disables or refreshes a trunk through the control API.
    func trunkAction(_ request: ConsoleRequest, _ session: ConsoleSessions.Session, _ command: TrunkCommand) async -> ConsoleResponse {
        guard let name = request.field("name") else { return .redirect("/trunks") }
        switch await change(.trunkCommand(name: name, command: command), nil as String?, as: session) {
        case .failure(let problem):
            return .html(problem.status, page("Trunks", "/trunks", session, HTML.problem("Trunk \(name) not changed: \(problem.message)")))
        case .success(let response):
            let state = (try? Self.decode(response, TrunkInfo.self).get())?.state
            let done = ["enable": "Enabled", "disable": "Disabled", "refresh": "Refreshing"][command.rawValue] ?? command.rawValue
            sessions.flash(session.token, "\(done) trunk \(name)" + (state.map { " (now \($0))." } ?? "."))
            return .redirect("/trunks")
        }
    }
}
