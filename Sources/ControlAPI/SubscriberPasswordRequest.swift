/// The body of `PUT /v1/subscribers/{user}/password?domain=`: a new password.
///
/// JSON key: `password`. The daemon keeps only its HA1 digests.
public struct SubscriberPasswordRequest: Codable, Hashable, Sendable {
    /// The new password in clear; it crosses only the control connection.
    public var password: String

    /// Creates a password change.
    public init(password: String) { self.password = password }

    /// What is wrong with the password, or nil.
    public func validationProblem() -> String? { SubscriberValidation.problem(password: password) }
}
