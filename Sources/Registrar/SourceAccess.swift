/// What a subscriber's allowed ranges say about the address a REGISTER came from.
///
/// The registrar does not parse addresses (it does no I/O and knows no address families); the
/// caller matches the source against the phone's rules and answers with one of these.
public enum SourceAccess: Hashable, Sendable {
    /// The subscriber has no allowed ranges.
    case noRules
    /// The subscriber has rules and none holds the source address.
    case outside
    /// Rules hold the source address, but each of them names another port than the source's.
    case wrongPort
    /// A rule holds the source. `portMatched` is true when a rule naming a port matched the
    /// source port too (what `ip+port` needs); a rule without a port matches any port.
    case inside(portMatched: Bool)

    /// What a subscriber's rules say about a source whose port is `sourcePort`, given for each
    /// rule whether its range holds the source address and the one port it allows (nil: any).
    ///
    /// A rule naming a port holds the source only on that port; the address in such a rule's
    /// range on another port is `wrongPort`, not `outside`, so the refusal says why.
    public init<Rules: Sequence>(sourcePort: Int, rules: Rules) where Rules.Element == (holdsAddress: Bool, port: Int?) {
        var any = false
        var addressInside = false
        var portlessInside = false
        for rule in rules {
            any = true
            guard rule.holdsAddress else { continue }
            addressInside = true
            guard let port = rule.port else {
                portlessInside = true
                continue
            }
            if port == sourcePort {
                self = .inside(portMatched: true)
                return
            }
        }
        if !any {
            self = .noRules
        } else if portlessInside {
            self = .inside(portMatched: false)
        } else {
            self = addressInside ? .wrongPort : .outside
        }
    }
}
