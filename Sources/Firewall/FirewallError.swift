/// Why a firewall backend refused a change.
public enum FirewallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The batch would take the backend past its entry limit; nothing of it was applied.
    case capacityExceeded(limit: Int, requested: Int)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case let .capacityExceeded(limit, requested):
            "the firewall holds at most \(limit) bans; \(requested) more did not fit and none of the batch was applied "
                + "(ban ranges instead of many single addresses, or shorten ban times)"
        }
    }
}
