import ControlAPI
import Foundation

/// The registrations page: the live table (filters and sorting as `registrations list`,
/// paged by the daemon), a binding's details and events, force-unregister, export.
extension ConsoleApp {
    /// The table's columns: header, sort key.
    static let registrationColumns: [(label: String, sort: String)] = [
        ("AOR", "aor"), ("Contact", "contact"), ("Source", "source"), ("Transport", "transport"), ("Expires", "expires_in"),
        ("NAT", "nat"), ("Status", "status"), ("Account", "account"), ("User-Agent", "user_agent"),
    ]
    /// The filter fields: query name, label, placeholder.
    static let registrationFilters: [(name: String, label: String, hint: String)] = [
        ("number", "Number", "1001 or 100*"), ("ip", "IP or range", "192.0.2.0/24"), ("account", "Account", "acme"),
        ("ua", "User-Agent", "Yealink"),
    ]

    /// The filters, page and sort of a request as the control API's query.
    private struct TableRequest {
        var filters: [String: String] = [:]
        var offset = 0
        var limit = 100
        var query = RegistrationQuery()
        var problem: String?

        init(_ request: ConsoleRequest) {
            for name in ["number", "ip", "account", "ua", "nat", "status", "sort"] {
                if let value = request.field(name) { filters[name] = value }
            }
            offset = max(0, Int(request.field("offset") ?? "") ?? 0)
            limit = min(RegistrationPage.maximumLimit, max(1, Int(request.field("limit") ?? "") ?? 100))
            switch RegistrationQuery.parse(filters) {
            case .success(let parsed): query = parsed
            case .failure(let failure): problem = failure.message
            }
        }

        /// The filters (and sort) as a URL query, plus `extra`.
        func link(_ extra: [(String, String?)] = [], dropping: Set<String> = []) -> String {
            let kept = filters.keys.sorted().filter { !dropping.contains($0) }.map { ($0, filters[$0]) }
            return HTML.query(kept + extra)
        }
    }

    func registrationsPage(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        let table = TableRequest(request)
        var html = filterForm(table)
        if let problem = table.problem {
            return .html(400, page("Registrations", "/registrations", session, html + HTML.problem(problem)))
        }
        switch await read(.registrationPage(table.query, offset: table.offset, limit: table.limit), RegistrationPage.self, as: session) {
        case .failure(let problem):
            html += HTML.problem(problem.message)
            return .html(problem.status, page("Registrations", "/registrations", session, html))
        case .success(let result):
            let exportQuery = table.link(dropping: ["sort"])
            html += """
                <p class="pager"><span id="summary">\(Self.summary(result))</span>
                \(table.offset > 0 ? "<a href=\"/registrations\(table.link([("offset", String(max(0, table.offset - table.limit))), ("limit", String(table.limit))]))\" rel=\"prev\">‹ Previous</a>" : "")
                \(table.offset + table.limit < result.total ? "<a href=\"/registrations\(table.link([("offset", String(table.offset + table.limit)), ("limit", String(table.limit))]))\" rel=\"next\">Next ›</a>" : "")
                <span class="live" id="live">loading…</span>
                <a href="/registrations/export\(exportQuery.isEmpty ? "?" : exportQuery + "&")format=csv">Export CSV</a>
                <a href="/registrations/export\(exportQuery.isEmpty ? "?" : exportQuery + "&")format=json">Export JSON</a></p>
                <div class="scroll"><table id="registrations"><thead><tr>\(sortHeaders(table))</tr></thead>
                <tbody id="rows" data-stream="/registrations/stream\(table.link([("offset", String(table.offset)), ("limit", String(table.limit))]))" data-summary="summary" data-state="live">\(Self.rows(result.registrations))</tbody></table></div>
                """
            return .html(page("Registrations", "/registrations", session, html))
        }
    }

    /// The SSE stream of the table's rows: the same query, asked again every second.
    func registrationsStream(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) -> ConsoleResponse {
        let table = TableRequest(request)
        let token = session.token
        let query = table.query, offset = table.offset, limit = table.limit
        let stream = ConsoleEventStream { [self] in
            guard let session = sessions.session(token) else { return nil }
            guard case .success(let result) = await read(.registrationPage(query, offset: offset, limit: limit), RegistrationPage.self, as: session) else {
                return Self.streamPayload(html: "", summary: "the daemon did not answer")
            }
            return Self.streamPayload(html: Self.rows(result.registrations), summary: Self.summary(result))
        }
        return ConsoleResponse(status: 200, headers: [], body: [], stream: stream)
    }

    static func summary(_ page: RegistrationPage) -> String {
        guard page.total > 0 else { return "No bindings match." }
        let first = min(page.offset + 1, page.total), last = min(page.offset + page.limit, page.total)
        return "Bindings \(first)–\(last) of \(page.total)"
    }

    /// One SSE payload: `{"html":..., "summary":...}` on one line.
    static func streamPayload(html: String, summary: String?) -> String {
        struct Payload: Encodable { var html: String; var summary: String? }
        let data = (try? JSONEncoder().encode(Payload(html: html, summary: summary))) ?? Data("{\"html\":\"\"}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private func filterForm(_ table: TableRequest) -> String {
        var html = "<form method=\"get\" action=\"/registrations\" class=\"filters\" role=\"search\">"
        for filter in Self.registrationFilters {
            html += "<label>\(filter.label)<input name=\"\(filter.name)\" placeholder=\"\(filter.hint)\" value=\"\(HTML.escape(table.filters[filter.name] ?? ""))\"></label>"
        }
        func select(_ name: String, _ label: String, _ options: [(String, String)]) -> String {
            var html = "<label>\(label)<select name=\"\(name)\">"
            for (value, text) in options {
                html += "<option value=\"\(value)\"\(table.filters[name] ?? "" == value ? " selected" : "")>\(text)</option>"
            }
            return html + "</select></label>"
        }
        html += select("status", "Status", [("", "live"), ("registered", "registered"), ("unreachable", "unreachable"), ("expired", "expired"), ("all", "all")])
        html += select("nat", "NAT", [("", "any"), ("true", "behind NAT"), ("false", "direct")])
        if let sort = table.filters["sort"] { html += "<input type=\"hidden\" name=\"sort\" value=\"\(HTML.escape(sort))\">" }
        html += "<button type=\"submit\">Filter</button> <a href=\"/registrations\">Clear</a></form>"
        return html
    }

    private func sortHeaders(_ table: TableRequest) -> String {
        Self.registrationColumns.map { column in
            let current = table.filters["sort"]
            let next = current == column.sort ? "-\(column.sort)" : column.sort
            let mark = current == column.sort ? " ▲" : current == "-\(column.sort)" ? " ▼" : ""
            let sorted = current == column.sort ? "ascending" : current == "-\(column.sort)" ? "descending" : nil
            let aria = sorted.map { " aria-sort=\"\($0)\"" } ?? ""
            return "<th scope=\"col\"\(aria)><a href=\"/registrations\(table.link([("sort", next)], dropping: ["sort", "offset"]))\">\(column.label)\(mark)</a></th>"
        }.joined()
    }

    /// The table's rows.
    static func rows(_ registrations: [RegistrationInfo]) -> String {
        var html = ""
        for row in registrations {
            html += "<tr data-aor=\"\(HTML.escape(row.aor))\"><td><a href=\"/registrations/show\(HTML.query([("aor", row.aor)]))\">\(HTML.escape(row.aor))</a></td>"
            html += "<td>\(HTML.escape(row.contact))</td><td>\(HTML.escape(row.source))</td><td>\(HTML.escape(row.transport))</td>"
            html += "<td class=\"num\" data-expires=\"\(row.expiresIn)\">\(HTML.duration(row.expiresIn))</td>"
            html += "<td>\(row.nat ? "yes" : "no")</td><td>\(row.status.rawValue)</td><td>\(HTML.escape(row.account ?? ""))</td>"
            html += "<td>\(HTML.escape(row.userAgent ?? ""))</td></tr>"
        }
        return html
    }

    func registrationDetail(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        guard let aor = request.field("aor") else { return .redirect("/registrations") }
        switch await read(.showRegistration(aor: aor), RegistrationDetail.self, as: session) {
        case .failure(let problem):
            return .html(problem.status, page("Registration", "/registrations", session, HTML.problem(problem.message) + "<p><a href=\"/registrations\">Back to the table</a></p>"))
        case .success(let detail):
            var html = "<dl><dt>AOR</dt><dd>\(HTML.escape(detail.aor))</dd><dt>Account</dt><dd>\(HTML.escape(detail.account ?? "—"))</dd></dl>"
            if session.isAdmin {
                html += "<p><a href=\"/registrations/unregister\(HTML.query([("aor", detail.aor)]))\">Force-unregister every binding…</a></p>"
            }
            for binding in detail.bindings {
                let row = binding.registration
                html += "<h2>\(HTML.escape(row.contact))</h2><dl>"
                let facts: [(String, String)] = [
                    ("Source", row.source), ("Received", row.received), ("Transport", row.transport), ("Status", row.status.rawValue),
                    ("NAT", row.nat ? "yes" : "no"), ("User-Agent", row.userAgent ?? "—"), ("Registered", RFC3339.format(row.registeredAt)),
                    ("Refreshed", RFC3339.format(row.updatedAt)), ("Call-ID", row.callID), ("CSeq", String(row.cseq)),
                    ("q", row.q.map { String($0) } ?? "—"), ("Via", binding.viaPath), ("Contact parameters", binding.contactParameters),
                    ("Instance", binding.instance ?? "—"), ("Keepalives missed", String(binding.keepaliveMisses)),
                ]
                for (name, value) in facts { html += "<dt>\(name)</dt><dd>\(HTML.escape(value))</dd>" }
                html += "<dt>Expires in</dt><dd data-expires=\"\(row.expiresIn)\">\(HTML.duration(row.expiresIn))</dd></dl>"
                if session.isAdmin {
                    html += "<p><a href=\"/registrations/unregister\(HTML.query([("aor", detail.aor), ("contact", row.contact)]))\">Force-unregister this binding…</a></p>"
                }
            }
            html += "<h2>Recent events</h2>" + Self.eventsTable(detail.events, id: "events")
            return .html(page("Registration \(detail.aor)", "/registrations", session, html))
        }
    }

    func unregisterConfirmation(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        guard let aor = request.field("aor") else { return .redirect("/registrations") }
        let contact = request.field("contact")
        let what = contact.map { "the binding \(HTML.escape($0)) of \(HTML.escape(aor))" } ?? "every binding of \(HTML.escape(aor))"
        let html = """
            <p>Force-unregister \(what)? The phone learns it at its next refresh and must register again.</p>
            <form method="post" action="/registrations/unregister">\(HTML.csrfField(session))
            <input type="hidden" name="aor" value="\(HTML.escape(aor))">
            \(contact.map { "<input type=\"hidden\" name=\"contact\" value=\"\(HTML.escape($0))\">" } ?? "")
            <button type="submit" class="danger" autofocus>Force-unregister</button> <a href="/registrations/show\(HTML.query([("aor", aor)]))">Cancel</a>
            </form>
            """
        return .html(page("Confirm force-unregister", "/registrations", session, html))
    }

    func unregister(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        guard let aor = request.field("aor") else { return .redirect("/registrations") }
        let body = UnregisterRequest(aor: aor, contact: request.field("contact"))
        switch await change(.unregister, body, as: session) {
        case .failure(let problem):
            return .html(problem.status, page("Force-unregister", "/registrations", session, HTML.problem(problem.message)))
        case .success(let response):
            let removed = (try? Self.decode(response, UnregisterResponse.self).get())?.removed.count ?? 0
            sessions.flash(session.token, "Force-unregistered \(removed) binding\(removed == 1 ? "" : "s") of \(aor).")
            return .redirect("/registrations")
        }
    }

    func export(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        let table = TableRequest(request)
        if let problem = table.problem { return .html(400, page("Export", "/registrations", session, HTML.problem(problem))) }
        let response = await control.respond(.listRegistrations(table.query), caller: session.caller)
        guard response.isSuccess else { return .html(response.status, page("Export", "/registrations", session, HTML.problem(ConsoleProblem(response).message))) }
        if request.field("format") == "json" {
            return .file("application/json", response.body, filename: "registrations.json")
        }
        guard case .success(let rows) = Self.decode(response, [RegistrationInfo].self) else {
            return .html(500, page("Export", "/registrations", session, HTML.problem("the daemon's answer could not be read")))
        }
        return .file("text/csv; charset=utf-8", Array(RegistrationCSV.render(rows).utf8), filename: "registrations.csv")
    }

    /// A table of security events, newest last.
    static func eventsTable(_ events: [BanEvidenceEvent], id: String, stream: String? = nil) -> String {
        let streaming = stream.map { " data-stream=\"\($0)\" data-state=\"\(id)-live\"" } ?? ""
        return """
            <div class="scroll"><table id="\(id)"><thead><tr><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Source</th>\
            <th scope="col">AOR / user</th><th scope="col">User-Agent</th><th scope="col">Detail</th></tr></thead>
            <tbody\(streaming)>\(eventRows(events))</tbody></table></div>
            """
    }

    static func eventRows(_ events: [BanEvidenceEvent]) -> String {
        guard !events.isEmpty else { return "<tr><td colspan=\"6\" class=\"muted\">No events.</td></tr>" }
        return events.map { event in
            let source = event.sourceIP.isEmpty ? "" : event.sourcePort == 0 ? event.sourceIP : "\(event.sourceIP):\(event.sourcePort)"
            return "<tr><td class=\"num\">\(RFC3339.format(event.time))</td><td>\(HTML.escape(event.kind))</td><td>\(HTML.escape(source))</td>"
                + "<td>\(HTML.escape(event.aor ?? event.username ?? ""))</td><td>\(HTML.escape(event.userAgent ?? ""))</td><td>\(HTML.escape(event.detail ?? ""))</td></tr>"
        }.joined()
    }
}
