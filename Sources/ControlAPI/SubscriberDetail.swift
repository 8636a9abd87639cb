/// What `GET /v1/subscribers/{user}?domain=` answers: one subscriber with its allowed ranges
/// and how many live bindings its AOR holds.
///
/// JSON keys: `subscriber` (a `SubscriberInfo`), `allowed` (an array of `AllowedRangeRule`),
/// `bindings` (a number).
public struct SubscriberDetail: Codable, Hashable, Sendable {
    /// The subscriber.
    public var subscriber: SubscriberInfo
    /// Its allowed ranges.
    public var allowed: [AllowedRangeRule]
    /// Live bindings of AORs with its username (and domain, when it has one).
    public var bindings: Int

    /// Creates a detail answer.
    public init(subscriber: SubscriberInfo, allowed: [AllowedRangeRule], bindings: Int) {
        self.subscriber = subscriber
        self.allowed = allowed
        self.bindings = bindings
    }
}
