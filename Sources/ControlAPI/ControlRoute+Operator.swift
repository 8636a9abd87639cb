/// The issue-5 operator routes (subscriber details, allowed and trusted ranges, stats): their
/// methods, targets and matching, kept apart from the older routes.
extension ControlRoute {
    /// The method of an operator route, nil for the others.
    var operatorMethod: String? {
        switch self {
        case .showSubscriber, .listAllowedRanges, .listTrusted, .stats: return "GET"
        case .updateSubscriber: return "PATCH"
        case .setSubscriberPassword: return "PUT"
        case .addAllowedRange, .addTrusted: return "POST"
        case .removeAllowedRange, .removeTrusted: return "DELETE"
        default: return nil
        }
    }

    /// The target of an operator route, nil for the others.
    var operatorTarget: String? {
        func subscriber(_ username: String, _ domain: String?, _ suffix: String = "") -> String {
            "/v1/subscribers/" + PercentEncoding.encode(username) + suffix + Self.query(["domain": domain])
        }
        switch self {
        case .showSubscriber(let username, let domain), .updateSubscriber(let username, let domain):
            return subscriber(username, domain)
        case .setSubscriberPassword(let username, let domain): return subscriber(username, domain, "/password")
        case .listAllowedRanges(let username, let domain): return "/v1/allowed" + Self.query(["user": username, "domain": domain])
        case .addAllowedRange: return "/v1/allowed"
        case .removeAllowedRange(let username, let domain, let cidr):
            return "/v1/allowed" + Self.query(["user": username, "domain": domain, "cidr": cidr])
        case .listTrusted, .addTrusted: return "/v1/trusted"
        case .removeTrusted(let cidr): return "/v1/trusted" + Self.query(["cidr": cidr])
        case .stats: return "/v1/stats"
        default: return nil
        }
    }

    /// Matches the operator paths; nil lets the older routes try.
    static func matchOperator(
        _ rest: [String], query: [String: String], pick: ([String: ControlRoute]) -> ControlRouteMatch
    ) -> ControlRouteMatch? {
        switch (rest.count, rest.first) {
        case (3, "subscribers") where rest[2] == "password" && !rest[1].isEmpty:
            return pick(["PUT": .setSubscriberPassword(username: rest[1], domain: query["domain"])])
        case (1, "allowed"):
            var allowed: [String: ControlRoute] = [
                "GET": .listAllowedRanges(username: query["user"], domain: query["domain"]), "POST": .addAllowedRange,
            ]
            if let user = query["user"], let cidr = query["cidr"] {
                allowed["DELETE"] = .removeAllowedRange(username: user, domain: query["domain"], cidr: cidr)
            }
            return pick(allowed)
        case (1, "trusted"):
            var allowed: [String: ControlRoute] = ["GET": .listTrusted, "POST": .addTrusted]
            if let cidr = query["cidr"] { allowed["DELETE"] = .removeTrusted(cidr: cidr) }
            return pick(allowed)
        case (1, "stats"):
            return pick(["GET": .stats])
        default:
            return nil
        }
    }

    /// "?a=x&b=y" of the non-nil values in key order, percent-encoded; "" when none.
    private static func query(_ items: [String: String?]) -> String {
        let pairs = items.keys.sorted().compactMap { key in (items[key] ?? nil).map { "\(key)=\(PercentEncoding.encode($0))" } }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }
}
