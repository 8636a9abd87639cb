import ControlAPI

/// The security page: bans in force (source, reason, expiry, `ban why` evidence), ban and
/// unban, trusted ranges, and the latest security events streaming in.
extension ConsoleApp {
    /// The form fields a failed ban or trust left, to show them again with the error.
    struct SecurityForm {
        var target = "", duration = "1h", reason = "", banProblem: String?
        var trusted = "", trustProblem: String?
    }

    func securityPage(_ request: ConsoleRequest, _ session: ConsoleSessions.Session, form: SecurityForm = SecurityForm(), status: Int = 200) async -> ConsoleResponse {
        var html = "<h2>Bans in force</h2>"
        switch await read(.listBans, [BanInfo].self, as: session) {
        case .failure(let problem): html += HTML.problem(problem.message)
        case .success(let bans):
            html += "<div class=\"scroll\"><table id=\"bans\"><thead><tr><th scope=\"col\">Address or range</th><th scope=\"col\">Source</th>"
            html += "<th scope=\"col\">Reason</th><th scope=\"col\">Expires in</th><th scope=\"col\">Evidence</th><th scope=\"col\"></th></tr></thead><tbody>"
            if bans.isEmpty { html += "<tr><td colspan=\"6\" class=\"muted\">Nothing is banned.</td></tr>" }
            for ban in bans.prefix(1000) {
                html += "<tr data-target=\"\(HTML.escape(ban.address))\"><td>\(HTML.escape(ban.address))</td><td>\(HTML.escape(ban.source))</td><td>\(HTML.escape(ban.reason))</td>"
                html += "<td class=\"num\" data-expires=\"\(ban.expiresIn)\">\(HTML.duration(ban.expiresIn))</td>"
                html += "<td><a href=\"/security/why\(HTML.query([("target", ban.address)]))\">why (\(ban.evidenceCount) events)</a></td><td>"
                if session.isAdmin {
                    html += "<form method=\"post\" action=\"/security/unban\" class=\"inline\">\(HTML.csrfField(session))"
                    html += "<input type=\"hidden\" name=\"target\" value=\"\(HTML.escape(ban.address))\"><button type=\"submit\">Unban</button></form>"
                }
                html += "</td></tr>"
            }
            html += "</tbody></table></div>"
            if bans.count > 1000 { html += "<p class=\"muted\">The first 1,000 of \(bans.count) bans; <code>sipwardenctl ban list</code> has them all.</p>" }
        }
        html += """
            <h2>Ban an address or range</h2>
            <form method="post" action="/security/ban" class="filters">\(HTML.csrfField(session))
            <label>Address or CIDR<input name="target" required placeholder="192.0.2.7 or 198.51.100.0/24" value="\(HTML.escape(form.target))"></label>
            <label>For<input name="duration" required placeholder="1h, 30m, 7d" value="\(HTML.escape(form.duration))" size="6"></label>
            <label>Reason<input name="reason" required placeholder="why" value="\(HTML.escape(form.reason))"></label>
            <button type="submit">Ban</button></form>\(HTML.problem(form.banProblem))
            <h2>Trusted ranges (never banned)</h2>
            """
        switch await read(.listTrusted, [TrustedRangeInfo].self, as: session) {
        case .failure(let problem): html += HTML.problem(problem.message)
        case .success(let ranges):
            html += "<ul id=\"trusted\">"
            if ranges.isEmpty { html += "<li class=\"muted\">None.</li>" }
            for range in ranges {
                html += "<li>\(HTML.escape(range.cidr)) <span class=\"muted\">(\(range.origin == "config" ? "configuration file" : "operator"))</span> "
                if range.origin != "config", session.isAdmin {
                    html += "<form method=\"post\" action=\"/security/untrust\" class=\"inline\">\(HTML.csrfField(session))"
                    html += "<input type=\"hidden\" name=\"cidr\" value=\"\(HTML.escape(range.cidr))\"><button type=\"submit\">Remove</button></form>"
                }
                html += "</li>"
            }
            html += "</ul>"
        }
        html += """
            <form method="post" action="/security/trust" class="filters">\(HTML.csrfField(session))
            <label>Trust address or CIDR<input name="cidr" required placeholder="10.0.0.0/8" value="\(HTML.escape(form.trusted))"></label>
            <button type="submit">Trust</button></form>\(HTML.problem(form.trustProblem))
            <h2>Latest security events <span class="live" id="events-live">loading…</span></h2>
            """
        let events = (try? await read(.securityEvents(limit: 30), [BanEvidenceEvent].self, as: session).get()) ?? []
        html += Self.eventsTable(events, id: "events", stream: "/security/events")
        return .html(status, page("Security", "/security", session, html))
    }

    /// The SSE stream of the latest events.
    func eventsStream(_ session: ConsoleSessions.Session) -> ConsoleResponse {
        let token = session.token
        return ConsoleResponse(status: 200, headers: [], body: [], stream: ConsoleEventStream { [self] in
            guard let session = sessions.session(token) else { return nil }
            let events = (try? await read(.securityEvents(limit: 30), [BanEvidenceEvent].self, as: session).get()) ?? []
            return Self.streamPayload(html: Self.eventRows(events), summary: nil)
        })
    }

    func banWhyPage(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        guard let target = request.field("target") else { return .redirect("/security") }
        switch await read(.banWhy(target: target), BanWhyResponse.self, as: session) {
        case .failure(let problem):
            return .html(problem.status, page("Why is \(target) banned?", "/security", session, HTML.problem(problem.message)))
        case .success(let why):
            let ban = why.ban
            let html = """
                <dl><dt>Ban</dt><dd>\(HTML.escape(ban.address))</dd><dt>Source</dt><dd>\(HTML.escape(ban.source))</dd>
                <dt>Reason</dt><dd>\(HTML.escape(ban.reason))</dd><dt>Since</dt><dd>\(RFC3339.format(ban.createdAt))</dd>
                <dt>Expires in</dt><dd data-expires="\(ban.expiresIn)">\(HTML.duration(ban.expiresIn))</dd></dl>
                <h2>Evidence</h2>\(Self.eventsTable(why.evidence, id: "evidence"))
                <p><a href="/security">Back to the bans</a></p>
                """
            return .html(page("Why is \(target) banned?", "/security", session, html))
        }
    }

    func banAction(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        var form = SecurityForm(target: request.field("target") ?? "", duration: request.field("duration") ?? "", reason: request.field("reason") ?? "")
        guard let seconds = Self.seconds(form.duration) else {
            form.banProblem = "duration '\(form.duration)': give a number with s, m, h or d, e.g. 90s, 30m, 1h, 7d"
            return await securityPage(request, session, form: form, status: 400)
        }
        let ban = BanAddRequest(target: form.target, seconds: seconds, reason: form.reason, source: session.caller)
        switch await change(.addBan, ban, as: session) {
        case .failure(let problem):
            form.banProblem = problem.message
            return await securityPage(request, session, form: form, status: problem.status)
        case .success:
            forgetBans()
            sessions.flash(session.token, "Banned \(form.target) for \(HTML.duration(seconds)).")
            return .redirect("/security")
        }
    }

    func unbanAction(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        let target = request.field("target") ?? ""
        switch await change(.removeBan(target: target), nil as String?, as: session) {
        case .failure(let problem): sessions.flash(session.token, "Not unbanned: \(problem.message)")
        case .success:
            forgetBans()
            sessions.flash(session.token, "Unbanned \(target).")
        }
        return .redirect("/security")
    }

    func trustAction(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        let cidr = request.field("cidr") ?? ""
        switch await change(.addTrusted, TrustedRangeRequest(cidr: cidr), as: session) {
        case .failure(let problem):
            return await securityPage(request, session, form: SecurityForm(trusted: cidr, trustProblem: problem.message), status: problem.status)
        case .success:
            sessions.flash(session.token, "Trusted \(cidr).")
            return .redirect("/security")
        }
    }

    func untrustAction(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        let cidr = request.field("cidr") ?? ""
        switch await change(.removeTrusted(cidr: cidr), nil as String?, as: session) {
        case .failure(let problem): sessions.flash(session.token, "Not removed: \(problem.message)")
        case .success: sessions.flash(session.token, "No longer trusted: \(cidr).")
        }
        return .redirect("/security")
    }

    /// "90s", "30m", "1h", "7d" or a bare number of seconds.
    static func seconds(_ text: String) -> Int? {
        let trimmed = text.lowercased().trimming(" ")
        guard let unit = trimmed.last else { return nil }
        let factors: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let factor = factors[unit], let count = Int(trimmed.dropLast()), count > 0, count <= 3650 * 86_400 / factor {
            return count * factor
        }
        if let count = Int(trimmed), count > 0 { return count }
        return nil
    }
}
