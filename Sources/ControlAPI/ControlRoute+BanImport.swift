/// The bulk ban import route (issue 10): its method, target and matching, kept apart from the
/// older ban routes.
extension ControlRoute {
    /// The method of the ban import route, nil for the others.
    var banImportMethod: String? {
        switch self {
        case .importBans: return "POST"
        default: return nil
        }
    }

    /// The target of the ban import route, nil for the others.
    var banImportTarget: String? {
        switch self {
        case .importBans: return "/v1/bans/import"
        default: return nil
        }
    }

    /// Matches `/v1/bans/import` before `/v1/bans/{target}` reads "import" as a target;
    /// nil lets the other routes try.
    static func matchBanImport(_ rest: [String], pick: ([String: ControlRoute]) -> ControlRouteMatch) -> ControlRouteMatch? {
        guard rest.count == 2, rest[0] == "bans", rest[1] == "import" else { return nil }
        return pick(["POST": .importBans])
    }
}
