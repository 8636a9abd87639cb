/// The answer of `POST /v1/console/login` when the password is right (a wrong one is a 401).
///
/// JSON keys: `username`, `role`.
public struct ConsoleLoginResponse: Codable, Hashable, Sendable {
    /// The account logged in.
    public var username: String
    /// What it may do.
    public var role: ConsoleRole

    /// Creates an answer.
    public init(username: String, role: ConsoleRole) {
        self.username = username
        self.role = role
    }
}
