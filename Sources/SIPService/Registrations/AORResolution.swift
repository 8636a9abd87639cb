/// What an operator's AOR argument names among the registered AORs.
enum AORResolution: Hashable, Sendable {
    /// Exactly one AOR.
    case found(String)
    /// A bare user part that several domains have, sorted.
    case ambiguous([String])
    /// No AOR.
    case none
}
