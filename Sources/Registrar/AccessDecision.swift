/// How a subscriber's auth mode and allowed ranges decide a REGISTER before any digest.
enum AccessDecision: Hashable, Sendable {
    /// Go on to digest authentication (or none, when the registrar does not require it).
    case authenticate
    /// Accept the source as the proof: no challenge.
    case acceptWithoutChallenge
    /// Refuse with 403 and an `acl.denied` event whose detail is `reason`.
    case deny(reason: String)

    /// The decision for `mode` given what the rules say about the source.
    ///
    /// `password` is restricted by its ranges only when it has some; the other modes need a
    /// rule holding the source (`ip+port` a rule naming the source port as well). A source
    /// whose address a rule holds but on another port than the rule names is refused with
    /// `port_not_allowed`, whatever the mode.
    init(mode: AuthMode, access: SourceAccess) {
        switch (mode, access) {
        case (_, .wrongPort): self = .deny(reason: "port_not_allowed")
        case (.password, .outside): self = .deny(reason: "outside_allowed_ranges")
        case (.password, _): self = .authenticate
        case (_, .noRules): self = .deny(reason: "no_allowed_ranges")
        case (_, .outside): self = .deny(reason: "outside_allowed_ranges")
        case (.ip, .inside): self = .acceptWithoutChallenge
        case (.ipPort, .inside(let portMatched)): self = portMatched ? .acceptWithoutChallenge : .deny(reason: "port_not_allowed")
        case (.passwordIP, .inside): self = .authenticate
        }
    }
}
