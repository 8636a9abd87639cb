/// The control API's optional TCP listener: where, and the bearer token every request needs.
public struct ControlTCPSettings: Sendable {
    /// The address to listen on.
    public var address: HostPort
    /// The token, as read from `control.token_file` (surrounding blanks removed).
    public var token: String

    /// Creates the settings.
    public init(address: HostPort, token: String) {
        self.address = address
        self.token = token
    }
}
