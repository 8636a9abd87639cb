import ControlAPI

/// The phones page: every subscriber with its auth mode and allowed ranges; add and remove
/// ranges (a bad range is refused by the control API with its message, shown at the phone).
extension ConsoleApp {
    /// The most phones one page shows; the filter narrows the rest.
    static let phonesPerPage = 200

    /// A failed range addition, shown again at its phone.
    struct RangeAttempt {
        var username: String
        var domain: String?
        var cidr: String
        var port: String
        var problem: String
    }

    func phonesPage(_ request: ConsoleRequest, _ session: ConsoleSessions.Session, attempt: RangeAttempt? = nil, status: Int = 200) async -> ConsoleResponse {
        let filterText = request.query["q"] ?? ""
        let offset = max(0, Int(request.query["offset"] ?? "") ?? 0)
        var html = """
            <form method="get" action="/phones" class="filters" role="search"><label>Phone<input name="q" placeholder="1001" \
            value="\(HTML.escape(filterText))"></label><button type="submit">Find</button></form>
            """
        // The daemon filters and pages the subscribers (100,000 of them are never sent here).
        let result: PhonePage
        switch await read(.phonePage(filter: filterText.isEmpty ? nil : filterText, offset: offset, limit: Self.phonesPerPage), PhonePage.self, as: session) {
        case .success(let page): result = page
        case .failure(let problem):
            return .html(problem.status, page("Phones", "/phones", session, html + HTML.problem(problem.message)))
        }
        let shown = result.phones
        var byPhone: [String: [AllowedRangeRule]] = [:]
        for rule in result.allowedRanges { byPhone[Self.phoneKey(rule.username, rule.domain), default: []].append(rule) }
        html += "<div class=\"scroll\"><table id=\"phones\"><thead><tr><th scope=\"col\">Phone</th><th scope=\"col\">Name</th><th scope=\"col\">Auth mode</th>"
        html += "<th scope=\"col\">Account</th><th scope=\"col\">Allowed ranges</th></tr></thead><tbody>"
        if shown.isEmpty { html += "<tr><td colspan=\"5\" class=\"muted\">No phones.</td></tr>" }
        for subscriber in shown {
            let name = subscriber.domain.map { "\(subscriber.username)@\($0)" } ?? subscriber.username
            let key = Self.phoneKey(subscriber.username, subscriber.domain)
            html += "<tr data-phone=\"\(HTML.escape(name))\"><td>\(HTML.escape(name))</td><td>\(HTML.escape(subscriber.displayName ?? ""))</td>"
            html += "<td>\(HTML.escape(subscriber.authMode))</td><td>\(HTML.escape(subscriber.account ?? ""))</td><td><ul class=\"ranges\">"
            let rules = byPhone[key] ?? []
            if rules.isEmpty { html += "<li class=\"muted\">any address</li>" }
            for rule in rules {
                html += "<li>\(HTML.escape(rule.cidr))\(rule.port.map { " port \($0)" } ?? "")"
                if session.isAdmin {
                    html += " <form method=\"post\" action=\"/phones/disallow\" class=\"inline\">\(HTML.csrfField(session))"
                    html += Self.phoneFields(subscriber.username, subscriber.domain)
                    html += "<input type=\"hidden\" name=\"cidr\" value=\"\(HTML.escape(rule.cidr))\"><button type=\"submit\" aria-label=\"Remove \(HTML.escape(rule.cidr)) from \(HTML.escape(name))\">Remove</button></form>"
                }
                html += "</li>"
            }
            html += "</ul>"
            if session.isAdmin {
                let mine = attempt.flatMap { Self.phoneKey($0.username, $0.domain) == key ? $0 : nil }
                html += "<form method=\"post\" action=\"/phones/allow\" class=\"inline\">\(HTML.csrfField(session))"
                html += Self.phoneFields(subscriber.username, subscriber.domain)
                html += "<label>Add range<input name=\"cidr\" required placeholder=\"192.0.2.0/24\" value=\"\(HTML.escape(mine?.cidr ?? ""))\" aria-label=\"Range for \(HTML.escape(name))\"></label>"
                html += "<label>Port<input name=\"port\" size=\"5\" placeholder=\"any\" value=\"\(HTML.escape(mine?.port ?? ""))\"></label><button type=\"submit\">Add</button></form>"
                html += HTML.problem(mine?.problem)
            }
            html += "</td></tr>"
        }
        html += "</tbody></table></div>"
        if result.total > shown.count {
            let link = { (from: Int) in "/phones" + HTML.query([("q", filterText.isEmpty ? nil : filterText), ("offset", String(from))]) }
            html += "<p class=\"pager\">Phones \(shown.isEmpty ? 0 : offset + 1) to \(offset + shown.count) of \(result.total)"
            if offset > 0 { html += " <a href=\"\(HTML.escape(link(max(0, offset - Self.phonesPerPage))))\" rel=\"prev\">‹ Previous</a>" }
            if offset + shown.count < result.total { html += " <a href=\"\(HTML.escape(link(offset + Self.phonesPerPage)))\" rel=\"next\">Next ›</a>" }
            html += "; narrow them with the filter.</p>"
        }
        return .html(status, page("Phones", "/phones", session, html))
    }

    func allowAction(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        let username = request.field("username") ?? "", domain = request.field("domain")
        let cidr = request.field("cidr") ?? "", portText = request.field("port") ?? ""
        var port: Int?
        if !portText.isEmpty {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                let attempt = RangeAttempt(username: username, domain: domain, cidr: cidr, port: portText, problem: "port '\(portText)': give 1 to 65535, or leave it empty for any port")
                return await phonesPage(request, session, attempt: attempt, status: 400)
            }
            port = number
        }
        switch await change(.addAllowedRange, AllowedRangeRule(username: username, domain: domain, cidr: cidr, port: port), as: session) {
        case .failure(let problem):
            let attempt = RangeAttempt(username: username, domain: domain, cidr: cidr, port: portText, problem: problem.message)
            return await phonesPage(request, session, attempt: attempt, status: problem.status)
        case .success(let response):
            let added = (try? Self.decode(response, AllowedRangeRule.self).get())?.cidr ?? cidr
            sessions.flash(session.token, "\(Self.phoneKey(username, domain)) may now register from \(added).")
            return .redirect("/phones")
        }
    }

    func disallowAction(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        let username = request.field("username") ?? "", domain = request.field("domain"), cidr = request.field("cidr") ?? ""
        switch await change(.removeAllowedRange(username: username, domain: domain, cidr: cidr), nil as String?, as: session) {
        case .failure(let problem): sessions.flash(session.token, "Not removed: \(problem.message)")
        case .success: sessions.flash(session.token, "Removed \(cidr) from \(Self.phoneKey(username, domain)).")
        }
        return .redirect("/phones")
    }

    static func phoneKey(_ username: String, _ domain: String?) -> String {
        domain.flatMap { $0.isEmpty ? nil : "\(username)@\($0)" } ?? username
    }

    private static func phoneFields(_ username: String, _ domain: String?) -> String {
        "<input type=\"hidden\" name=\"username\" value=\"\(HTML.escape(username))\">"
            + (domain.map { "<input type=\"hidden\" name=\"domain\" value=\"\(HTML.escape($0))\">" } ?? "")
    }
}
