/// What a subscriber's allowed ranges say about the address a REGISTER came from.
///
/// The registrar does not parse addresses (it does no I/O and knows no address families); the
/// caller matches the source against the phone's rules and answers with one of these.
public enum SourceAccess: Hashable, Sendable {
    /// The subscriber has no allowed ranges.
    case noRules
    /// The subscriber has rules and none holds the source (address, or address and port).
    case outside
    /// A rule holds the source. `portMatched` is true when a rule naming a port matched the
    /// source port too (what `ip+port` needs); a rule without a port matches any port.
    case inside(portMatched: Bool)
}
