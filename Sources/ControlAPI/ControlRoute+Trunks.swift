/// The trunk routes (issue 14): methods, targets and matching, kept apart from the others.
extension ControlRoute {
    /// The method of a trunk route, nil for the others.
    var trunkMethod: String? {
        switch self {
        case .listTrunks, .showTrunk: return "GET"
        case .addTrunk, .trunkCommand: return "POST"
        case .removeTrunk: return "DELETE"
        default: return nil
        }
    }

    /// The target of a trunk route, nil for the others.
    var trunkTarget: String? {
        switch self {
        case .listTrunks, .addTrunk: return "/v1/trunks"
        case .showTrunk(let name), .removeTrunk(let name): return "/v1/trunks/" + PercentEncoding.encode(name)
        case .trunkCommand(let name, let command): return "/v1/trunks/" + PercentEncoding.encode(name) + "/" + command.rawValue
        default: return nil
        }
    }

    /// Matches `/v1/trunks...`; nil lets the other routes try.
    static func matchTrunks(_ rest: [String], pick: ([String: ControlRoute]) -> ControlRouteMatch) -> ControlRouteMatch? {
        guard rest.first == "trunks" else { return nil }
        switch rest.count {
        case 1: return pick(["GET": .listTrunks, "POST": .addTrunk])
        case 2 where !rest[1].isEmpty:
            return pick(["GET": .showTrunk(name: rest[1]), "DELETE": .removeTrunk(name: rest[1])])
        case 3 where !rest[1].isEmpty:
            guard let command = TrunkCommand(rawValue: rest[2]) else { return .notFound }
            return pick(["POST": .trunkCommand(name: rest[1], command: command)])
        default: return .notFound
        }
    }
}
