/// How a subscriber proves it may REGISTER.
///
/// The raw values are what the operator types and what the store and the control API carry.
public enum AuthMode: String, Hashable, Codable, Sendable, CaseIterable {
    /// Digest authentication (RFC 3261 §22), as always. Allowed ranges, when the phone has
    /// any, restrict where it may register from as well.
    case password
    /// A REGISTER from one of the phone's allowed ranges is accepted without a challenge.
    case ip
    /// Like `ip`, but the source address and port must both match a rule that names a port.
    case ipPort = "ip+port"
    /// Both: the source must be in an allowed range, and digest authentication must succeed.
    case passwordIP = "password+ip"

    /// Whether the mode needs the phone to have allowed ranges at all.
    public var needsRanges: Bool { self != .password }

    /// Whether the mode asks for digest credentials.
    public var needsPassword: Bool { self == .password || self == .passwordIP }
}
