/// The body of `POST /v1/console/login`: check a console user's password. A wrong one is a
/// `console.login_failed` security event from `client`, counted by the brute-force policy.
///
/// JSON keys: `username`, `password`, `client` (the browser's address, as the console saw it).
public struct ConsoleLoginRequest: Codable, Hashable, Sendable {
    /// The login name typed.
    public var username: String
    /// The password typed.
    public var password: String
    /// The address the login came from ("127.0.0.1", "2001:db8::7").
    public var client: String

    /// Creates a request.
    public init(username: String, password: String, client: String) {
        self.username = username
        self.password = password
        self.client = client
    }

    /// What is wrong with this request, or nil.
    public func validationProblem() -> String? {
        if IPNetwork.problem(client) != nil || client.contains("/") { return "client '\(client)' is not an IP address" }
        if username.utf8.count > 256 || password.utf8.count > 1024 { return "the username or password is too long" }
        return nil
    }
}
