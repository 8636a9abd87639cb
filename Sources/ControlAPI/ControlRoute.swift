/// Every request the control API answers, with the method and target both sides use.
///
/// | route | method and target | body | answer |
/// |---|---|---|---|
/// | `health` | `GET /v1/health` | — | `HealthInfo` |
/// | `listRegistrations` | `GET /v1/registrations?number=&ip=&account=&status=&ua=&nat=&sort=` | — | `[RegistrationInfo]` (filters: `RegistrationQuery`) |
/// | `showRegistration` | `GET /v1/registrations/{aor}` | — | `RegistrationDetail` (404 when the AOR has no binding) |
/// | `unregister` | `POST /v1/registrations/unregister` | `UnregisterRequest` | `UnregisterResponse` |
/// | `listSubscribers` | `GET /v1/subscribers` | — | `[SubscriberInfo]` |
/// | `addSubscriber` | `POST /v1/subscribers` | `SubscriberAddRequest` | 201, empty body |
/// | `importSubscribers` | `POST /v1/subscribers/import` | `SubscriberImportRequest` | `SubscriberImportResponse` |
/// | `exportSubscribers` | `GET /v1/export/subscribers` | — | `SubscriberImportRequest` (every subscriber with its HA1 digests, no passwords) |
/// | `removeSubscriber` | `DELETE /v1/subscribers/{user}?domain={domain}` | — | 204, empty body (404 when there is no such subscriber) |
/// | `listBans` | `GET /v1/bans` | — | `[BanInfo]` |
/// | `addBan` | `POST /v1/bans` | `BanAddRequest` | 201, `BanInfo` (the ban as now in force) |
/// | `removeBan` | `DELETE /v1/bans/{target}` | — | 204, empty body (404 when there is no such ban) |
/// | `banWhy` | `GET /v1/bans/{target}/why` | — | `BanWhyResponse` (404 when the target is not banned) |
/// | `listPlugins` | `GET /v1/plugins` | — | `[PluginInfo]` |
/// | `reloadPlugins` | `POST /v1/plugins/reload` | — | `[PluginInfo]` after the reload |
/// | `showSubscriber` | `GET /v1/subscribers/{user}?domain=` | — | `SubscriberDetail` (404 when unknown) |
/// | `updateSubscriber` | `PATCH /v1/subscribers/{user}?domain=` | `SubscriberUpdateRequest` | `SubscriberInfo` |
/// | `setSubscriberPassword` | `PUT /v1/subscribers/{user}/password?domain=` | `SubscriberPasswordRequest` | 204 |
/// | `listAllowedRanges` | `GET /v1/allowed[?user=&domain=]` | — | `[AllowedRangeRule]` |
/// | `addAllowedRange` | `POST /v1/allowed` | `AllowedRangeRule` | 201, `AllowedRangeRule` (canonical) |
/// | `removeAllowedRange` | `DELETE /v1/allowed?user=&domain=&cidr=` | — | 204 (404 when there is no such rule) |
/// | `listTrusted` | `GET /v1/trusted` | — | `[TrustedRangeInfo]` |
/// | `addTrusted` | `POST /v1/trusted` | `TrustedRangeRequest` | 201, `TrustedRangeInfo` |
/// | `removeTrusted` | `DELETE /v1/trusted?cidr=` | — | 204 (404 unknown, 409 from the configuration file) |
/// | `stats` | `GET /v1/stats` | — | `StatsInfo` |
/// | `history` | `GET /v1/history?aor=&number=&ip=&account=&kind=&since=&until=&limit=` | — | `[HistoryEventInfo]`, newest first (filters: `HistoryQuery`; 409 when the history is disabled) |
/// | `analysisTrend` | `GET /v1/analysis/trend?since=&until=&step=` | — | `TrendReport` (`AnalysisQuery`) |
/// | `analysisFailures` | `GET /v1/analysis/failures?since=&until=&limit=` | — | `[FailureGroup]`, most attempts first (`AnalysisQuery`) |
/// | `analysisDevices` | `GET /v1/analysis/devices?since=&until=` | — | `DeviceReport` (User-Agents normalised by the devices file; window default 30d) |
/// | `analysisGeo` | `GET /v1/analysis/geo?since=&until=` | — | `GeoReport` (countries of live bindings and of failed attempts; window default 30d) |
/// | `alerts` | `GET /v1/alerts?since=&until=&limit=` | — | `AlertsReport` (the alert engine's states and the alert events of the window, default 7d) |
/// | `registrationPage` | `GET /v1/registrations/page?{filters}&offset=&limit=` | — | `RegistrationPage` (issue 15) |
/// | `phonePage` | `GET /v1/phones?q=&offset=&limit=` | — | `PhonePage` (issue 15) |
/// | `listConsoleUsers` | `GET /v1/console/users` | — | `[ConsoleUserInfo]` |
/// | `addConsoleUser` | `POST /v1/console/users` | `ConsoleUserAddRequest` | 201 (200 replaced), `ConsoleUserInfo` |
/// | `removeConsoleUser` | `DELETE /v1/console/users/{name}` | — | 204 (404 when unknown) |
/// | `consoleLogin` | `POST /v1/console/login` | `ConsoleLoginRequest` | `ConsoleLoginResponse` (401 wrong name or password) |
/// | `showPolicy` | `GET /v1/plugins/{name}/policy` | — | `PolicyFileText` |
/// | `updatePolicy` | `PUT /v1/plugins/{name}/policy` | `PolicyFileText` | `[PluginInfo]` after the reload (400 when the loader refuses it) |
/// | `securityEvents` | `GET /v1/events?limit=` | — | `[BanEvidenceEvent]`, the latest security events, oldest first |
/// | `listTrunks` | `GET /v1/trunks` | — | `[TrunkInfo]` |
/// | `addTrunk` | `POST /v1/trunks` | `TrunkAddRequest` | 201, `TrunkInfo` (409 when the name exists) |
/// | `showTrunk` | `GET /v1/trunks/{name}` | — | `TrunkInfo` (404 when unknown) |
/// | `trunkCommand` | `POST /v1/trunks/{name}/{enable,disable,refresh}` | — | `TrunkInfo` after the command |
/// | `removeTrunk` | `DELETE /v1/trunks/{name}` | — | 204 (404 unknown, 409 from the configuration file) |
/// | `importBans` | `POST /v1/bans/import` | `BanImportRequest` | `BanImportResponse` once committed (400 naming the first bad or trusted targets; nothing banned) |
///
/// A ban `{target}` is one path segment, percent-encoded (the "/" of a CIDR as `%2F`); an
/// unencoded CIDR ("/v1/bans/192.0.2.0/24") is accepted too, for curl users.
///
/// Every non-2xx answer carries a `ControlError`.
public enum ControlRoute: Hashable, Sendable {
    /// `GET /v1/health`.
    case health
    /// `GET /v1/registrations`, filtered and ordered by the query (an empty query: every live binding).
    case listRegistrations(RegistrationQuery)
    /// `GET /v1/registrations/{aor}`: one AOR's bindings in full and its latest events.
    case showRegistration(aor: String)
    /// `POST /v1/registrations/unregister`: force-unregister bindings.
    case unregister
    /// `GET /v1/subscribers`.
    case listSubscribers
    /// `POST /v1/subscribers`.
    case addSubscriber
    /// `POST /v1/subscribers/import`.
    case importSubscribers
    /// `GET /v1/export/subscribers`: every subscriber with its digests, as an import takes them.
    case exportSubscribers
    /// `DELETE /v1/subscribers/{username}`, with `?domain=` when a domain is given.
    case removeSubscriber(username: String, domain: String?)
    /// `GET /v1/bans`.
    case listBans
    /// `POST /v1/bans`.
    case addBan
    /// `DELETE /v1/bans/{target}`: lift the ban on exactly this address or range.
    case removeBan(target: String)
    /// `GET /v1/bans/{target}/why`: the ban blocking this address or range, and its evidence.
    case banWhy(target: String)
    /// `GET /v1/plugins`.
    case listPlugins
    /// `POST /v1/plugins/reload`: re-read the policy files.
    case reloadPlugins
    // Issue 5, operator control (subscribers, access rules, metrics): see ControlRoute+Operator.swift.
    /// `GET /v1/subscribers/{username}?domain=`.
    case showSubscriber(username: String, domain: String?)
    /// `PATCH /v1/subscribers/{username}?domain=`.
    case updateSubscriber(username: String, domain: String?)
    /// `PUT /v1/subscribers/{username}/password?domain=`.
    case setSubscriberPassword(username: String, domain: String?)
    /// `GET /v1/allowed`, optionally one subscriber's.
    case listAllowedRanges(username: String?, domain: String?)
    /// `POST /v1/allowed`.
    case addAllowedRange
    /// `DELETE /v1/allowed?user=&domain=&cidr=`.
    case removeAllowedRange(username: String, domain: String?, cidr: String)
    /// `GET /v1/trusted`.
    case listTrusted
    /// `POST /v1/trusted`.
    case addTrusted
    /// `DELETE /v1/trusted?cidr=`.
    case removeTrusted(cidr: String)
    /// `GET /v1/stats`.
    case stats
    // Issue 13, registration history and analysis: see ControlRoute+History.swift.
    /// `GET /v1/history`: recorded events, filtered, newest first.
    case history(HistoryQuery)
    /// `GET /v1/analysis/trend`: per-step registration figures from the rollups.
    case analysisTrend(AnalysisQuery)
    /// `GET /v1/analysis/failures`: failed attempts per user, source and reason.
    case analysisFailures(AnalysisQuery)
    // Issue 13, devices, countries and alerts: see ControlRoute+Analysis.swift.
    /// `GET /v1/analysis/devices`: live bindings and AORs per vendor, model and firmware.
    case analysisDevices(AnalysisQuery)
    /// `GET /v1/analysis/geo`: countries of live bindings and of failed attempts.
    case analysisGeo(AnalysisQuery)
    /// `GET /v1/alerts`: the alert engine's states and recent alert events.
    case alerts(AnalysisQuery)
    // Issue 15, the web console: see ControlRoute+Console.swift.
    /// `GET /v1/registrations/page`: one page of the filtered, sorted table.
    case registrationPage(RegistrationQuery, offset: Int, limit: Int)
    /// `GET /v1/phones`: one page of the subscribers a filter selects, with their allowed ranges.
    case phonePage(filter: String?, offset: Int, limit: Int)
    /// `GET /v1/console/users`.
    case listConsoleUsers
    /// `POST /v1/console/users`.
    case addConsoleUser
    /// `DELETE /v1/console/users/{name}`.
    case removeConsoleUser(name: String)
    /// `POST /v1/console/login`.
    case consoleLogin
    /// `GET /v1/plugins/{name}/policy`: a plugin's policy file.
    case showPolicy(plugin: String)
    /// `PUT /v1/plugins/{name}/policy`: check, write and reload a plugin's policy file.
    case updatePolicy(plugin: String)
    /// `GET /v1/events?limit=`: the latest security events.
    case securityEvents(limit: Int)
    // Issue 14, trunks (outbound registrations): see ControlRoute+Trunks.swift.
    /// `GET /v1/trunks`.
    case listTrunks
    /// `POST /v1/trunks`.
    case addTrunk
    /// `GET /v1/trunks/{name}`.
    case showTrunk(name: String)
    /// `POST /v1/trunks/{name}/{command}`.
    case trunkCommand(name: String, command: TrunkCommand)
    /// `DELETE /v1/trunks/{name}`.
    case removeTrunk(name: String)
    // Issue 10, bulk ban import (blocklists): see ControlRoute+BanImport.swift.
    /// `POST /v1/bans/import`: ban every address and range of a list, all or none.
    case importBans

    /// The version prefix of every path.
    public static let prefix = "/v1"

    /// The HTTP method, upper case.
    public var method: String {
        if let method = operatorMethod ?? consoleMethod { return method }
        if let method = historyMethod { return method }
        if let method = analysisMethod { return method }
        if let method = trunkMethod { return method }
        if let method = banImportMethod { return method }
        switch self {
        case .health, .listRegistrations, .showRegistration, .listSubscribers, .listBans, .banWhy, .listPlugins: return "GET"
        case .addSubscriber, .importSubscribers, .addBan, .reloadPlugins, .unregister: return "POST"
        case .removeSubscriber, .removeBan: return "DELETE"
        default: return "GET"
        }
    }

    /// The request target: the path, percent-encoded, with the query when there is one.
    public var target: String {
        if let target = operatorTarget ?? consoleTarget { return target }
        if let target = historyTarget { return target }
        if let target = analysisTarget { return target }
        if let target = trunkTarget { return target }
        if let target = banImportTarget { return target }
        switch self {
        case .health: return "/v1/health"
        case .listRegistrations(let query):
            let parameters = query.parameters
            guard !parameters.isEmpty else { return "/v1/registrations" }
            return "/v1/registrations?" + parameters.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
        case .showRegistration(let aor): return "/v1/registrations/" + PercentEncoding.encode(aor)
        case .unregister: return "/v1/registrations/unregister"
        case .listSubscribers: return "/v1/subscribers"
        case .addSubscriber: return "/v1/subscribers"
        case .importSubscribers: return "/v1/subscribers/import"
        case .exportSubscribers: return "/v1/export/subscribers"
        case .removeSubscriber(let username, let domain):
            let path = "/v1/subscribers/" + PercentEncoding.encode(username)
            guard let domain else { return path }
            return path + "?domain=" + PercentEncoding.encode(domain)
        case .listBans, .addBan: return "/v1/bans"
        case .removeBan(let target): return "/v1/bans/" + PercentEncoding.encode(target)
        case .banWhy(let target): return "/v1/bans/" + PercentEncoding.encode(target) + "/why"
        case .listPlugins: return "/v1/plugins"
        case .reloadPlugins: return "/v1/plugins/reload"
        default: return "/v1"
        }
    }

    /// Whether requests on this route carry a JSON body.
    public var hasRequestBody: Bool {
        switch self {
        case .addSubscriber, .importSubscribers, .addBan, .updateSubscriber, .setSubscriberPassword, .addAllowedRange, .addTrusted,
             .unregister, .addConsoleUser, .consoleLogin, .updatePolicy, .addTrunk, .importBans:
            return true
        default: return false
        }
    }

    /// "METHOD target", for messages and logs.
    public var summary: String { "\(method) \(target)" }

    /// Resolves a request line's method and target to a route.
    public static func match(method: String, target: String) -> ControlRouteMatch {
        let (rawPath, rawQuery) = split(target: target)
        var segments: [String] = []
        for rawSegment in rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let segment = PercentEncoding.decode(rawSegment) else {
                return .badRequest("the path \(rawPath) has a malformed percent escape")
            }
            segments.append(segment)
        }
        guard rawPath.hasPrefix("/"), segments.first == "v1" else { return .notFound }
        let rest = Array(segments.dropFirst())
        let method = method.uppercased()
        func pick(_ allowed: [String: ControlRoute]) -> ControlRouteMatch {
            if let route = allowed[method] { return .route(route) }
            return .methodNotAllowed(allowed: allowed.keys.sorted())
        }
        let query: [String: String]
        switch parse(query: rawQuery) {
        case .success(let parsed): query = parsed
        case .failure(let problem): return .badRequest(problem.message)
        }
        if let match = matchOperator(rest, query: query, pick: pick) { return match }
        if let match = matchAnalysis(rest, query: query, pick: pick) { return match }
        if let match = matchHistory(rest, query: query, pick: pick) { return match }
        if let match = matchConsole(rest, query: query, pick: pick) { return match }
        if let match = matchTrunks(rest, pick: pick) { return match }
        if let match = matchBanImport(rest, pick: pick) { return match }
        switch rest.count {
        case 1:
            switch rest[0] {
            case "health": return pick(["GET": .health])
            case "registrations":
                switch RegistrationQuery.parse(query) {
                case .failure(let problem): return .badRequest(problem.message)
                case .success(let filters): return pick(["GET": .listRegistrations(filters)])
                }
            case "subscribers": return pick(["GET": .listSubscribers, "POST": .addSubscriber])
            case "bans": return pick(["GET": .listBans, "POST": .addBan])
            case "plugins": return pick(["GET": .listPlugins])
            default: return .notFound
            }
        case 2 where rest[0] == "registrations":
            if rest[1] == "unregister" { return pick(["POST": .unregister]) }
            guard !rest[1].isEmpty else { return .notFound }
            return pick(["GET": .showRegistration(aor: rest[1])])
        case 2 where rest[0] == "export":
            guard rest[1] == "subscribers" else { return .notFound }
            return pick(["GET": .exportSubscribers])
        case 2 where rest[0] == "plugins":
            guard rest[1] == "reload" else { return .notFound }
            return pick(["POST": .reloadPlugins])
        case 2...4 where rest[0] == "bans":
            return matchBan(Array(rest.dropFirst()), pick: pick)
        case 2 where rest[0] == "subscribers":
            let remove = ControlRoute.removeSubscriber(username: rest[1], domain: query["domain"])
            if rest[1] == "import" {
                return pick(["POST": .importSubscribers, "DELETE": remove])
            }
            guard !rest[1].isEmpty else { return .notFound }
            return pick([
                "DELETE": remove, "GET": .showSubscriber(username: rest[1], domain: query["domain"]),
                "PATCH": .updateSubscriber(username: rest[1], domain: query["domain"]),
            ])
        default:
            return .notFound
        }
    }

    /// `/v1/bans/{target}` and `/v1/bans/{target}/why`, where an unencoded CIDR spreads the
    /// target over two segments ("192.0.2.0", "24").
    private static func matchBan(_ parts: [String], pick: ([String: ControlRoute]) -> ControlRouteMatch) -> ControlRouteMatch {
        let isWhy = parts.count >= 2 && parts.last == "why"
        let targetParts = isWhy ? Array(parts.dropLast()) : parts
        guard (1...2).contains(targetParts.count), !targetParts.contains(where: \.isEmpty) else { return .notFound }
        if targetParts.count == 2, !targetParts[1].allSatisfy({ $0.isASCII && $0.isNumber }) { return .notFound }
        let target = targetParts.joined(separator: "/")
        return isWhy ? pick(["GET": .banWhy(target: target)]) : pick(["DELETE": .removeBan(target: target)])
    }

    private static func split(target: String) -> (Substring, Substring) {
        guard let mark = target.firstIndex(of: "?") else { return (target[...], "") }
        return (target[..<mark], target[target.index(after: mark)...])
    }

    private struct QueryProblem: Error {
        var message: String
    }

    private static func parse(query: Substring) -> Result<[String: String], QueryProblem> {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentEncoding.decode(parts[0]),
                  let value = PercentEncoding.decode(parts.count > 1 ? parts[1] : "")
            else { return .failure(QueryProblem(message: "the query has a malformed percent escape")) }
            result[name] = value
        }
        return .success(result)
    }
}
