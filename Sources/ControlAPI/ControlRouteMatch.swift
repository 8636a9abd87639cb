/// What a request's method and target resolve to (see `ControlRoute.match`).
public enum ControlRouteMatch: Hashable, Sendable {
    /// A known route.
    case route(ControlRoute)
    /// The path exists but not with this method; `allowed` lists the methods it takes.
    case methodNotAllowed(allowed: [String])
    /// No such path.
    case notFound
    /// The target is malformed (a bad percent escape); the string says how.
    case badRequest(String)
}
