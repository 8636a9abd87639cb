/// What identifies a subscriber: its username and its domain (nil for "any domain").
public struct SubscriberKey: Hashable, Sendable {
    /// The username.
    public var username: String
    /// The domain, or nil.
    public var domain: String?

    /// Creates a key.
    public init(username: String, domain: String?) {
        self.username = username
        self.domain = domain
    }
}
