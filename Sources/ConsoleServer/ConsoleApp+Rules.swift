import ControlAPI

/// The rules page: every policy plugin with its state and policy file; a plugin's values in a
/// form, checked by the daemon's own plugin loader before anything is written or reloaded.
extension ConsoleApp {
    func rulesPage(_ session: ConsoleSessions.Session) async -> ConsoleResponse {
        switch await read(.listPlugins, [PluginInfo].self, as: session) {
        case .failure(let problem):
            return .html(problem.status, page("Rules", "/rules", session, HTML.problem(problem.message)))
        case .success(let plugins):
            var html = "<div class=\"scroll\"><table id=\"plugins\"><thead><tr><th scope=\"col\">Plugin</th><th scope=\"col\">State</th>"
            html += "<th scope=\"col\">Runs on</th><th scope=\"col\">Enforce</th><th scope=\"col\">Events</th><th scope=\"col\">Decisions</th><th scope=\"col\"></th></tr></thead><tbody>"
            for plugin in plugins {
                let state = plugin.state + (plugin.stale.map { " — stale: \($0)" } ?? "") + (plugin.detail.map { " — \($0)" } ?? "")
                let source = plugin.source == "defaults" ? "built-in defaults" : (plugin.policyFile ?? "file")
                html += "<tr data-plugin=\"\(HTML.escape(plugin.name))\"><td>\(HTML.escape(plugin.name)) <span class=\"muted\">\(HTML.escape(plugin.version))</span></td>"
                html += "<td class=\"state\">\(HTML.escape(state))</td><td>\(HTML.escape(source))</td><td>\(plugin.enforce ? "yes" : "dry run")</td>"
                html += "<td class=\"num\">\(plugin.eventsHandled)</td><td class=\"num\">\(plugin.decisions)</td>"
                html += "<td><a href=\"/rules/edit\(HTML.query([("plugin", plugin.name)]))\">\(session.isAdmin ? "Edit" : "View")</a></td></tr>"
            }
            html += "</tbody></table></div>"
            return .html(page("Rules", "/rules", session, html))
        }
    }

    func ruleEditPage(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        guard let plugin = request.field("plugin") else { return .redirect("/rules") }
        switch await read(.showPolicy(plugin: plugin), PolicyFileText.self, as: session) {
        case .failure(let problem):
            return .html(problem.status, page("Rules: \(plugin)", "/rules", session, HTML.problem(problem.message)))
        case .success(let file):
            return .html(page("Rules: \(plugin)", "/rules", session, ruleForm(file, session: session)))
        }
    }

    /// The form of one policy file: a field per single value, then the whole file.
    private func ruleForm(_ file: PolicyFileText, session: ConsoleSessions.Session, edited: [Int: String] = [:], problem: String? = nil, rawText: String? = nil) -> String {
        let fields = PolicyTextFields(file.text)
        let disabled = session.isAdmin ? "" : " disabled"
        var html = "<p>Policy file: <code>\(HTML.escape(file.path))</code>\(file.text.isEmpty ? " (none yet: the plugin runs on its built-in defaults)" : "")</p>"
        html += "<form method=\"post\" action=\"/rules/edit\" id=\"policy\">\(HTML.csrfField(session))<input type=\"hidden\" name=\"plugin\" value=\"\(HTML.escape(file.plugin))\">"
        var placed = false
        for field in fields.fields {
            let value = edited[field.line] ?? field.value
            let mine = problem.flatMap { Self.problem($0, concerns: field) ? $0 : nil }
            if mine != nil { placed = true }
            html += "<div class=\"field\"><label>\(HTML.escape(field.path))<input name=\"line.\(field.line)\" value=\"\(HTML.escape(value))\"\(disabled)"
            html += mine != nil ? " aria-invalid=\"true\" aria-describedby=\"problem-\(field.line)\"" : ""
            html += "></label>\(mine.map { "<p class=\"problem\" id=\"problem-\(field.line)\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "")</div>"
        }
        if !placed { html += HTML.problem(problem) }
        if session.isAdmin { html += "<button type=\"submit\" name=\"save\" value=\"fields\">Check, save and reload</button>" }
        html += "</form>"
        html += """
            <h2>The whole file</h2>
            <form method="post" action="/rules/edit">\(HTML.csrfField(session))<input type="hidden" name="plugin" value="\(HTML.escape(file.plugin))">
            <label>YAML<textarea name="text" rows="18" cols="90" spellcheck="false"\(disabled)>\(HTML.escape(rawText ?? file.text))</textarea></label>
            \(session.isAdmin ? "<p><button type=\"submit\" name=\"save\" value=\"text\">Check, save and reload</button></p>" : "")</form>
            <p><a href="/rules">Back to the plugins</a></p>
            """
        return html
    }

    /// Whether the loader's message names `field` ("FILE: KEY: invalid value ...").
    private static func problem(_ message: String, concerns field: PolicyTextFields.Field) -> Bool {
        message.contains(": \(field.path): ") || message.contains(": \(field.key): ") || message.contains(": \(field.key)[")
    }

    func ruleSave(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        guard let plugin = request.field("plugin") else { return .redirect("/rules") }
        guard case .success(let file) = await read(.showPolicy(plugin: plugin), PolicyFileText.self, as: session) else {
            return .html(404, page("Rules", "/rules", session, HTML.problem("no plugin '\(plugin)'")))
        }
        var edited: [Int: String] = [:]
        let text: String
        if request.form["save"] == "text", let raw = request.form["text"] {
            text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        } else {
            for (name, value) in request.form where name.hasPrefix("line.") {
                if let line = Int(name.dropFirst(5)) { edited[line] = value }
            }
            text = PolicyTextFields(file.text).text(replacing: edited)
        }
        switch await change(.updatePolicy(plugin: plugin), PolicyFileText(plugin: plugin, path: file.path, text: text), as: session) {
        case .failure(let problem):
            let html = ruleForm(file, session: session, edited: edited, problem: problem.message, rawText: request.form["save"] == "text" ? text : nil)
            return .html(problem.status, page("Rules: \(plugin)", "/rules", session, html))
        case .success(let response):
            let plugins = (try? Self.decode(response, [PluginInfo].self).get()) ?? []
            let state = plugins.first(where: { $0.name == plugin })?.state ?? "unknown"
            sessions.flash(session.token, "Saved \(file.path) and reloaded: \(plugin) is \(state).")
            return .redirect("/rules")
        }
    }
}
