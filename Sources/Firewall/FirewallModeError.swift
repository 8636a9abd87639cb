/// A `firewall` setting this build cannot honour.
public enum FirewallModeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A mode of a later release ("nftables", "auto").
    case notAvailableYet(String)
    /// Not a firewall mode at all.
    case unknown(String)

    /// What is wrong and what to use instead.
    public var description: String {
        switch self {
        case .notAvailableYet(let mode):
            "firewall mode '\(mode)' is not available yet in this build (the nftables backend comes in a later release); use 'memory'"
        case .unknown(let text):
            "unknown firewall mode '\(text)'; use 'memory'"
        }
    }
}
