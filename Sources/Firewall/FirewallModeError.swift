/// A `firewall` setting that is not a mode.
public enum FirewallModeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not a firewall mode at all.
    case unknown(String)

    /// What is wrong and what to use instead.
    public var description: String {
        switch self {
        case .unknown(let text):
            "unknown firewall mode '\(text)'; use auto, nftables or memory"
        }
    }
}
