/// The body of `POST /v1/subscribers/import`: provision many subscribers in one request.
///
/// The daemon applies the whole list or nothing: subscribers that do not exist are added,
/// subscribers that exist (same username and domain) get the new password (or digests). One
/// request carries 100,000 entries comfortably (a few megabytes of JSON).
///
/// `GET /v1/export/subscribers` answers with this type too: every subscriber as an entry with
/// its digests instead of a password, so an export imports back to the same accounts.
///
/// JSON: `{"entries": [{"username": "1000", "password": "pw1000", "domain": null}, ...]}`.
public struct SubscriberImportRequest: Codable, Hashable, Sendable {
    /// The subscribers to add or update, in file order.
    public var entries: [SubscriberImportEntry]

    /// Creates an import request.
    public init(entries: [SubscriberImportEntry]) {
        self.entries = entries
    }

    /// What is wrong with this request, or nil when every entry is acceptable. Names the first
    /// bad entry by its position (1-based) and a repeated username by both positions.
    public func validationProblem() -> String? {
        var seen: [SubscriberKey: Int] = [:]
        seen.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            if let problem = entry.validationProblem() {
                return "entry \(index + 1): \(problem)"
            }
            let key = SubscriberKey(username: entry.username, domain: entry.domain)
            if let earlier = seen[key] {
                return "entry \(index + 1): the username '\(entry.username)' already appears in entry \(earlier)"
            }
            seen[key] = index + 1
        }
        return nil
    }
}
