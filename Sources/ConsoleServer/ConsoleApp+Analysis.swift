import ControlAPI
import Foundation

/// The analysis page: the registration trend, devices, countries, failed registrations and
/// alerts, read through the same control routes as `sipwardenctl analysis ...` and
/// `sipwardenctl alerts`, the charts drawn as server-side SVG.
extension ConsoleApp {
    /// The window choices of the page's `since` selector ("" is each section's own default).
    static let analysisWindows: [(value: String, label: String)] = [
        ("", "default per section"), ("1h", "last hour"), ("6h", "last 6 hours"), ("24h", "last 24 hours"), ("7d", "last 7 days"),
        ("30d", "last 30 days"),
    ]

    func analysisPage(_ request: ConsoleRequest, _ session: ConsoleSessions.Session) async -> ConsoleResponse {
        var fields: [String: String] = [:]
        if let since = request.field("since") { fields["since"] = since }
        if let step = request.field("step") { fields["step"] = step }
        var html = analysisForm(since: fields["since"] ?? "", step: fields["step"] ?? "")
        let query: AnalysisQuery
        switch AnalysisQuery.parse(fields) {
        case .failure(let problem):
            return .html(400, page("Analysis", "/analysis", session, html + HTML.problem(problem.message)))
        case .success(let parsed): query = parsed
        }
        let window = AnalysisQuery(since: query.since)
        html += "<h2 id=\"trend\">Registration trend</h2>"
        html += Self.trendSection(await read(.analysisTrend(query), TrendReport.self, as: session))
        html += "<h2 id=\"devices\">Devices</h2>"
        html += Self.devicesSection(await read(.analysisDevices(window), DeviceReport.self, as: session))
        html += "<h2 id=\"countries\">Countries</h2>"
        html += Self.geoSection(await read(.analysisGeo(window), GeoReport.self, as: session))
        html += "<h2 id=\"failures\">Failed registrations</h2>"
        var failureWindow = window
        failureWindow.limit = 100
        html += Self.failuresSection(await read(.analysisFailures(failureWindow), [FailureGroup].self, as: session))
        html += "<h2 id=\"alerts\">Alerts</h2>"
        var alertWindow = window
        alertWindow.limit = 50
        html += Self.alertsSection(await read(.alerts(alertWindow), AlertsReport.self, as: session))
        return .html(page("Analysis", "/analysis", session, html))
    }

    private func analysisForm(since: String, step: String) -> String {
        var html = "<form method=\"get\" action=\"/analysis\" class=\"filters\"><label>Since<select name=\"since\">"
        var known = false
        for window in Self.analysisWindows {
            let selected = window.value == since
            known = known || selected
            html += "<option value=\"\(window.value)\"\(selected ? " selected" : "")>\(window.label)</option>"
        }
        if !known { html += "<option value=\"\(HTML.escape(since))\" selected>\(HTML.escape(since))</option>" }
        html += "</select></label><label>Trend step<select name=\"step\">"
        for (value, label) in [("", "1 hour (default)"), ("1m", "1 minute"), ("1h", "1 hour"), ("1d", "1 day")] {
            html += "<option value=\"\(value)\"\(value == step ? " selected" : "")>\(label)</option>"
        }
        html += "</select></label><button type=\"submit\">Show</button></form>"
        html += "<p class=\"muted\">The same figures as <code>sipwardenctl analysis trend|devices|geo|failures</code> and <code>sipwardenctl alerts</code>.</p>"
        return html
    }

    /// A section's refusal; the history being disabled (409) is said plainly.
    static func analysisProblem(_ problem: ConsoleProblem) -> String {
        if problem.status == 409 {
            return HTML.problem("The registration history is disabled, so there is nothing to show here: \(problem.message).")
        }
        return HTML.problem(problem.message)
    }

    static func trendSection(_ answer: Result<TrendReport, ConsoleProblem>) -> String {
        guard case .success(let trend) = answer else {
            if case .failure(let problem) = answer { return analysisProblem(problem) }
            return ""
        }
        let seconds = Double(trend.step.seconds)
        let range = trend.since.timeIntervalSince1970...max(trend.until.timeIntervalSince1970, trend.since.timeIntervalSince1970 + seconds)
        let label: (Double) -> String = { Self.shortTime(Date(timeIntervalSince1970: $0)) }
        var html = "<p>From \(RFC3339.format(trend.since)) to \(RFC3339.format(trend.until)), one point per \(HTML.escape(trend.step.rawValue)) step. "
        html += "Steady rate \(String(format: "%.2f", trend.steadyPerSecond)) REGISTERs/s, peak \(trend.peakPerSecond)/s"
        html += trend.peakToSteady.map { " (\(String(format: "%.1f", $0))× steady; provision 3 to 5×)" } ?? ""
        html += ".</p>"
        if trend.points.isEmpty { return html + "<p class=\"muted\">Nothing was recorded in this window.</p>" }
        html += SVGChart.lines(
            id: "trend-chart", title: "Registrations and failures per \(trend.step.rawValue)",
            series: [
                SVGChart.Series(name: "registrations", color: "#0550ae", points: Self.counts(trend, \.registrations)),
                SVGChart.Series(name: "failures", color: "#a40e26", points: Self.counts(trend, \.failures)),
            ], xRange: range, xLabel: label)
        html += SVGChart.lines(
            id: "bindings-chart", title: "Active bindings at the end of each step",
            series: [SVGChart.Series(name: "active bindings", color: "#1a7f37", points: Self.bindings(trend))],
            xRange: range, xLabel: label, height: 180)
        html += "<details><summary>The figures</summary><div class=\"scroll\"><table id=\"trend-table\"><thead><tr>"
        for header in ["Step", "Registrations", "Refreshes", "Removals", "Failures", "Active bindings", "Sources", "Peak/s"] {
            html += "<th scope=\"col\">\(header)</th>"
        }
        html += "</tr></thead><tbody>"
        for point in trend.points.suffix(500) {
            let start = Date(timeIntervalSince1970: Double(point.startMilliseconds) / 1000)
            html += "<tr><td>\(RFC3339.format(start))</td><td class=\"num\">\(point.registrations)</td><td class=\"num\">\(point.refreshes)</td>"
            html += "<td class=\"num\">\(point.removals)</td><td class=\"num\">\(point.failures)</td>"
            html += "<td class=\"num\">\(point.activeBindings.map(String.init) ?? "–")</td><td class=\"num\">\(point.distinctSources)</td>"
            html += "<td class=\"num\">\(point.peakPerSecond)</td></tr>"
        }
        return html + "</tbody></table></div></details>"
    }

    /// A count per step at the step's middle; the steps the report leaves out recorded
    /// nothing, so they are drawn as zeros (one zero after and before each run of them).
    static func counts(_ trend: TrendReport, _ figure: KeyPath<TrendPoint, Int>) -> [(x: Double, y: Double?)] {
        let step = Double(trend.step.seconds)
        var points: [(x: Double, y: Double?)] = []
        var previous: Double?
        for point in trend.points.sorted(by: { $0.startMilliseconds < $1.startMilliseconds }) {
            let x = Double(point.startMilliseconds) / 1000 + step / 2
            if let previous, x - previous > step * 1.5 {
                points.append((previous + step, 0))
                if x - previous > step * 2.5 { points.append((x - step, 0)) }
            }
            points.append((x, Double(point[keyPath: figure])))
            previous = x
        }
        return points
    }

    /// The active bindings per step; a step left out or without a sample is a gap, not a zero.
    static func bindings(_ trend: TrendReport) -> [(x: Double, y: Double?)] {
        let step = Double(trend.step.seconds)
        var points: [(x: Double, y: Double?)] = []
        var previous: Double?
        for point in trend.points.sorted(by: { $0.startMilliseconds < $1.startMilliseconds }) {
            let x = Double(point.startMilliseconds) / 1000 + step / 2
            if let previous, x - previous > step * 1.5 { points.append((previous + step, nil)) }
            points.append((x, point.activeBindings.map { Double($0) }))
            previous = x
        }
        return points
    }

    static func devicesSection(_ answer: Result<DeviceReport, ConsoleProblem>) -> String {
        guard case .success(let report) = answer else {
            if case .failure(let problem) = answer { return analysisProblem(problem) }
            return ""
        }
        var html = "<p class=\"muted\">AORs seen since \(RFC3339.format(report.since))"
        html += (report.devicesFile.map { "; devices file \(HTML.escape($0))" } ?? "") + ".</p>"
        if let note = report.note { html += "<p class=\"muted\">Note: \(HTML.escape(note))</p>" }
        let rows = report.devices.prefix(200)
        html += SVGChart.bars(
            id: "devices-chart", title: "Live bindings per device",
            bars: rows.prefix(15).map { SVGChart.Bar(label: deviceName($0), value: $0.liveBindings) })
        html += "<div class=\"scroll\"><table id=\"devices-table\"><thead><tr><th scope=\"col\">Vendor</th><th scope=\"col\">Model</th>"
        html += "<th scope=\"col\">Firmware</th><th scope=\"col\">Live bindings</th><th scope=\"col\">Live AORs</th><th scope=\"col\">AORs in window</th>"
        html += "<th scope=\"col\">Example User-Agent</th></tr></thead><tbody>"
        if rows.isEmpty { html += "<tr><td colspan=\"7\" class=\"muted\">No devices.</td></tr>" }
        for row in rows {
            html += "<tr><td>\(HTML.escape(row.vendor))</td><td>\(HTML.escape(row.model))</td><td>\(HTML.escape(row.firmware))</td>"
            html += "<td class=\"num\">\(row.liveBindings)</td><td class=\"num\">\(row.liveAORs)</td><td class=\"num\">\(row.aors)</td>"
            html += "<td>\(HTML.escape(row.example ?? ""))</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    static func deviceName(_ row: DeviceRow) -> String {
        [row.vendor, row.model, row.firmware].filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func geoSection(_ answer: Result<GeoReport, ConsoleProblem>) -> String {
        guard case .success(let report) = answer else {
            if case .failure(let problem) = answer { return analysisProblem(problem) }
            return ""
        }
        var html = ""
        if let database = report.database {
            html += "<p class=\"muted\">GeoIP database \(HTML.escape(database))\(report.databaseType.map { " (\(HTML.escape($0)))" } ?? "").</p>"
        }
        if let note = report.note { html += "<p class=\"problem\" id=\"geo-note\">\(HTML.escape(note))</p>" }
        for (section, rows, title, count, distinct) in [
            ("bindings", report.bindings, "Live bindings by country", "Bindings", "AORs"),
            ("failures", report.failures, "Failed attempts by country since \(RFC3339.format(report.since))", "Attempts", "Sources"),
        ] {
            html += SVGChart.bars(
                id: "geo-\(section)-chart", title: title, bars: rows.prefix(15).map { SVGChart.Bar(label: "\($0.code) \($0.name)", value: $0.count) },
                color: section == "failures" ? "#a40e26" : "#0550ae")
            html += "<div class=\"scroll\"><table id=\"geo-\(section)\"><caption class=\"muted\">\(HTML.escape(title))</caption><thead><tr>"
            html += "<th scope=\"col\">Country</th><th scope=\"col\">Name</th><th scope=\"col\">\(count)</th><th scope=\"col\">\(distinct)</th></tr></thead><tbody>"
            if rows.isEmpty { html += "<tr><td colspan=\"4\" class=\"muted\">None.</td></tr>" }
            for row in rows.prefix(300) {
                html += "<tr><td>\(HTML.escape(row.code))</td><td>\(HTML.escape(row.name))</td><td class=\"num\">\(row.count)</td><td class=\"num\">\(row.distinct)</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        return html
    }

    static func failuresSection(_ answer: Result<[FailureGroup], ConsoleProblem>) -> String {
        guard case .success(let groups) = answer else {
            if case .failure(let problem) = answer { return analysisProblem(problem) }
            return ""
        }
        var html = "<div class=\"scroll\"><table id=\"failures-table\"><thead><tr>"
        for header in ["User", "Source", "Country", "Reason", "Attempts", "First", "Last", "User-Agent"] {
            html += "<th scope=\"col\">\(header)</th>"
        }
        html += "</tr></thead><tbody>"
        if groups.isEmpty { html += "<tr><td colspan=\"8\" class=\"muted\">No failed registrations in this window.</td></tr>" }
        for group in groups {
            html += "<tr><td>\(HTML.escape(group.user))</td><td>\(HTML.escape(group.sourceIP))</td><td>\(HTML.escape(group.country ?? ""))</td>"
            html += "<td>\(HTML.escape(group.reason))</td><td class=\"num\">\(group.count)</td><td>\(RFC3339.format(group.firstSeen))</td>"
            html += "<td>\(RFC3339.format(group.lastSeen))</td><td>\(HTML.escape(group.userAgent ?? ""))</td></tr>"
        }
        html += "</tbody></table></div>"
        if groups.count >= 100 { html += "<p class=\"muted\">The 100 largest groups; <code>sipwardenctl analysis failures</code> has them all.</p>" }
        return html
    }

    static func alertsSection(_ answer: Result<AlertsReport, ConsoleProblem>) -> String {
        guard case .success(let report) = answer else {
            if case .failure(let problem) = answer { return analysisProblem(problem) }
            return ""
        }
        var html = ""
        if !report.enabled {
            html += "<p class=\"problem\">The alert engine is not running (it needs <code>alerts.enabled</code> and the registration history).</p>"
        }
        html += "<div class=\"scroll\"><table id=\"alert-states\"><thead><tr><th scope=\"col\">Alert</th><th scope=\"col\">State</th><th scope=\"col\">Since</th>"
        html += "<th scope=\"col\">Observed</th><th scope=\"col\">Expected</th><th scope=\"col\">Basis</th></tr></thead><tbody>"
        if report.states.isEmpty { html += "<tr><td colspan=\"6\" class=\"muted\">No alerts are watched.</td></tr>" }
        for state in report.states {
            let expected = state.expected.map { value in
                "\(SVGChart.amount(value))" + (state.deviation.map { " ± \(SVGChart.amount($0))" } ?? "")
            } ?? "learning"
            html += "<tr><td>\(HTML.escape(state.alert))</td><td>\(state.raised ? "<strong class=\"problem\">raised</strong>" : "ok")</td>"
            html += "<td>\(HTML.escape(state.since ?? ""))</td><td class=\"num\">\(state.observed.map { SVGChart.amount($0) } ?? "–")</td>"
            html += "<td class=\"num\">\(HTML.escape(expected))</td><td>\(HTML.escape(state.basis ?? ""))</td></tr>"
        }
        html += "</tbody></table></div>"
        if let webhook = report.webhook {
            html += "<p class=\"muted\">Webhook: \(webhook.urls) URL\(webhook.urls == 1 ? "" : "s"), \(webhook.delivered) delivered, \(webhook.failed) failed, \(webhook.dropped) dropped"
            html += (webhook.lastError.map { "; last error: \(HTML.escape($0))" } ?? "") + ".</p>"
        }
        html += "<h3>Recent alert events</h3><div class=\"scroll\"><table id=\"alert-events\"><thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Event</th>"
        html += "<th scope=\"col\">Source</th><th scope=\"col\">Severity</th><th scope=\"col\">Message</th></tr></thead><tbody>"
        if report.events.isEmpty { html += "<tr><td colspan=\"5\" class=\"muted\">No alert events in this window.</td></tr>" }
        for event in report.events {
            html += "<tr><td>\(RFC3339.format(event.time))</td><td>\(HTML.escape(event.event))</td><td>\(HTML.escape(event.source))</td>"
            html += "<td>\(HTML.escape(event.severity))</td><td>\(HTML.escape(event.message))</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// "12-01 14:00" (UTC) for an axis.
    static func shortTime(_ date: Date) -> String {
        let text = RFC3339.format(date)
        guard text.count >= 16 else { return text }
        return String(text.dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " ")
    }
}
