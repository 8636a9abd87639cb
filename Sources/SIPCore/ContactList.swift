/// The Contact header(s) of a request (RFC 3261 §20.10): either the `*` wildcard used to
/// remove all bindings, or a list of addresses (empty when there is no Contact header).
public enum ContactList: Hashable, Sendable {
    /// `Contact: *`, with any parameters written after the star (normally none).
    case wildcard(parameters: SIPParameters)
    /// The contact addresses in order.
    case addresses([NameAddress])
}
