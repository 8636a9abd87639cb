/// The accounts the registrar authenticates against, indexed for the REGISTER path.
///
/// Lookup is by (username, domain) first and then by (username, any domain), so a subscriber
/// added without a domain registers under whatever domain the phone names.
public struct SubscriberDirectory: Sendable {
    private var byKey: [Key: Subscriber] = [:]
    private var domainUseCount: [String: Int] = [:]

    private struct Key: Hashable {
        var username: String
        var domain: String
    }

    /// Creates an empty directory.
    public init() {}

    /// Creates a directory holding `subscribers`.
    public init(_ subscribers: [Subscriber]) {
        for subscriber in subscribers { upsert(subscriber) }
    }

    /// Number of subscribers.
    public var count: Int { byKey.count }

    /// Every subscriber, in no particular order.
    public var all: [Subscriber] { Array(byKey.values) }

    /// Adds or replaces a subscriber.
    public mutating func upsert(_ subscriber: Subscriber) {
        let key = Key(username: subscriber.username, domain: Self.normalize(subscriber.domain))
        if byKey.updateValue(subscriber, forKey: key) == nil, !key.domain.isEmpty {
            domainUseCount[key.domain, default: 0] += 1
        }
    }

    /// Removes a subscriber; returns whether one was there.
    @discardableResult
    public mutating func remove(username: String, domain: String?) -> Bool {
        let key = Key(username: username, domain: Self.normalize(domain))
        guard byKey.removeValue(forKey: key) != nil else { return false }
        if !key.domain.isEmpty {
            let left = (domainUseCount[key.domain] ?? 1) - 1
            domainUseCount[key.domain] = left > 0 ? left : nil
        }
        return true
    }

    /// The subscriber who owns `username` at `domain`, or a domain-less one of that name.
    public func lookup(username: String, domain: String) -> Subscriber? {
        let host = Self.normalize(domain)
        if !host.isEmpty, !domainUseCount.isEmpty, let exact = byKey[Key(username: username, domain: host)] {
            return exact
        }
        return byKey[Key(username: username, domain: "")]
    }

    /// Whether some subscriber belongs to `domain` (which then is its own digest realm).
    public func servesDomain(_ domain: String) -> Bool {
        !domainUseCount.isEmpty && domainUseCount[Self.normalize(domain)] != nil
    }

    private static func normalize(_ domain: String?) -> String { (domain ?? "").lowercased() }
}
