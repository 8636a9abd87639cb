import Registrar

/// One web-console account as the store keeps it: the name, the role ("admin" or "viewer")
/// and the password's salted PBKDF2-SHA256 hash with its round count. The store neither
/// hashes nor checks passwords; the daemon does.
public struct StoredConsoleUser: Hashable, Sendable {
    /// The login name.
    public var name: String
    /// "admin" or "viewer".
    public var role: String
    /// The random salt.
    public var salt: [UInt8]
    /// PBKDF2-SHA256(password, salt, iterations).
    public var hash: [UInt8]
    /// The PBKDF2 round count the hash was made with.
    public var iterations: Int
    /// When the account was created.
    public var createdAt: Timestamp

    /// Creates an account record.
    public init(name: String, role: String, salt: [UInt8], hash: [UInt8], iterations: Int, createdAt: Timestamp) {
        self.name = name
        self.role = role
        self.salt = salt
        self.hash = hash
        self.iterations = iterations
        self.createdAt = createdAt
    }
}
