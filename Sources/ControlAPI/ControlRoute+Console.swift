/// The issue-15 web-console routes (a page of registrations, console accounts and logins,
/// policy files): their methods, targets and matching, kept apart from the older routes.
extension ControlRoute {
    /// The default page size of `registrationPage`.
    public static let defaultPageLimit = 100

    /// The method of a console route, nil for the others.
    var consoleMethod: String? {
        switch self {
        case .registrationPage, .phonePage, .listConsoleUsers, .showPolicy, .securityEvents: return "GET"
        case .addConsoleUser, .consoleLogin: return "POST"
        case .removeConsoleUser: return "DELETE"
        case .updatePolicy: return "PUT"
        default: return nil
        }
    }

    /// The target of a console route, nil for the others.
    var consoleTarget: String? {
        switch self {
        case .registrationPage(let query, let offset, let limit):
            let parameters = query.parameters + [("offset", String(offset)), ("limit", String(limit))]
            return "/v1/registrations/page?" + parameters.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
        case .phonePage(let filter, let offset, let limit):
            let parameters = (filter.map { [("q", $0)] } ?? []) + [("offset", String(offset)), ("limit", String(limit))]
            return "/v1/phones?" + parameters.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
        case .listConsoleUsers, .addConsoleUser: return "/v1/console/users"
        case .removeConsoleUser(let name): return "/v1/console/users/" + PercentEncoding.encode(name)
        case .consoleLogin: return "/v1/console/login"
        case .showPolicy(let plugin), .updatePolicy(let plugin): return "/v1/plugins/" + PercentEncoding.encode(plugin) + "/policy"
        case .securityEvents(let limit): return "/v1/events?limit=\(limit)"
        default: return nil
        }
    }

    /// Matches the console paths; nil lets the older routes try.
    static func matchConsole(
        _ rest: [String], query: [String: String], pick: ([String: ControlRoute]) -> ControlRouteMatch
    ) -> ControlRouteMatch? {
        /// `offset` and `limit` taken out of `filters`, or the 400 that says what to give.
        func window(_ filters: inout [String: String], defaultLimit: Int, maximum: Int) -> Result<(offset: Int, limit: Int), PageProblem> {
            let offsetText = filters.removeValue(forKey: "offset") ?? "0"
            let limitText = filters.removeValue(forKey: "limit") ?? String(defaultLimit)
            guard let offset = Int(offsetText), offset >= 0 else {
                return .failure(PageProblem(match: .badRequest("offset '\(offsetText)': give the index of the first row, 0 or more")))
            }
            guard let limit = Int(limitText), (1...maximum).contains(limit) else {
                return .failure(PageProblem(match: .badRequest("limit '\(limitText)': give a page size from 1 to \(maximum)")))
            }
            return .success((offset, limit))
        }
        switch (rest.count, rest.first) {
        case (2, "registrations") where rest[1] == "page":
            var filters = query
            switch window(&filters, defaultLimit: defaultPageLimit, maximum: RegistrationPage.maximumLimit) {
            case .failure(let problem): return problem.match
            case .success(let page):
                switch RegistrationQuery.parse(filters) {
                case .failure(let problem): return .badRequest(problem.message)
                case .success(let parsed): return pick(["GET": .registrationPage(parsed, offset: page.offset, limit: page.limit)])
                }
            }
        case (1, "phones"):
            var filters = query
            switch window(&filters, defaultLimit: PhonePage.defaultLimit, maximum: PhonePage.maximumLimit) {
            case .failure(let problem): return problem.match
            case .success(let page):
                let filter = filters.removeValue(forKey: "q")
                if let unknown = filters.keys.sorted().first {
                    return .badRequest("unknown query parameter '\(unknown)'; known: q, offset, limit")
                }
                return pick(["GET": .phonePage(filter: filter.flatMap { $0.isEmpty ? nil : $0 }, offset: page.offset, limit: page.limit)])
            }
        case (2, "console") where rest[1] == "users":
            return pick(["GET": .listConsoleUsers, "POST": .addConsoleUser])
        case (3, "console") where rest[1] == "users" && !rest[2].isEmpty:
            return pick(["DELETE": .removeConsoleUser(name: rest[2])])
        case (2, "console") where rest[1] == "login":
            return pick(["POST": .consoleLogin])
        case (1, "events"):
            let text = query["limit"] ?? "50"
            guard let limit = Int(text), (1...1000).contains(limit) else {
                return .badRequest("limit '\(text)': give how many events, from 1 to 1000")
            }
            return pick(["GET": .securityEvents(limit: limit)])
        case (3, "plugins") where rest[2] == "policy" && !rest[1].isEmpty:
            return pick(["GET": .showPolicy(plugin: rest[1]), "PUT": .updatePolicy(plugin: rest[1])])
        default:
            return nil
        }
    }
}

/// A page window (`offset`, `limit`) that could not be used: the 400 to answer.
struct PageProblem: Error {
    let match: ControlRouteMatch
}
