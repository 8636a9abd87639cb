/// One page of `GET /v1/phones` (the web console's phones page): the subscribers whose
/// `user@domain` contains the filter, in user and domain order, cut on the daemon's side,
/// with the allowed ranges of exactly those phones, so a browser never receives 100,000
/// subscribers to show 200.
///
/// JSON keys: `total` (phones the filter selects), `offset`, `limit`, `phones` (at most
/// `limit`), `allowed_ranges` (every rule of the phones on this page).
public struct PhonePage: Codable, Hashable, Sendable {
    /// The largest page served.
    public static let maximumLimit = 1000
    /// The default page size.
    public static let defaultLimit = 200

    /// How many phones the filter selects in all.
    public var total: Int
    /// The index of the first phone of this page.
    public var offset: Int
    /// The page size asked for.
    public var limit: Int
    /// The phones, by user then domain.
    public var phones: [SubscriberInfo]
    /// The allowed-range rules of these phones.
    public var allowedRanges: [AllowedRangeRule]

    /// Creates a page.
    public init(total: Int, offset: Int, limit: Int, phones: [SubscriberInfo], allowedRanges: [AllowedRangeRule]) {
        self.total = total
        self.offset = offset
        self.limit = limit
        self.phones = phones
        self.allowedRanges = allowedRanges
    }

    private enum CodingKeys: String, CodingKey {
        case total, offset, limit, phones
        case allowedRanges = "allowed_ranges"
    }

    /// The page of `phones` (any order) that `filter`, `offset` and `limit` select, by user
    /// then domain, and its total; `name` reads a phone's user and domain. A phone is selected
    /// when its `user@domain` contains the filter, case-insensitively (nil or empty: every phone).
    public static func select<Phone>(
        _ phones: [Phone], filter: String?, offset: Int, limit: Int, name: (Phone) -> (username: String, domain: String?)
    ) -> (total: Int, phones: [Phone]) {
        let needle = filter.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        var ranked: [Ranked] = []
        for (index, phone) in phones.enumerated() {
            let (username, domain) = name(phone)
            if let needle, !"\(username)@\(domain ?? "")".lowercased().contains(needle) { continue }
            ranked.append(Ranked(username: username, domain: domain ?? "", index: index))
        }
        let page = OrderedSelection.page(of: ranked, offset: offset, limit: limit)
        return (ranked.count, page.map { phones[$0.index] })
    }

    /// The rules of `all` that belong to one of `phones` (a page's `allowedRanges`).
    public static func ranges(_ all: [AllowedRangeRule], of phones: [SubscriberInfo]) -> [AllowedRangeRule] {
        let shown = Set(phones.map { Name(username: $0.username, domain: $0.domain) })
        return all.filter { shown.contains(Name(username: $0.username, domain: $0.domain)) }
    }

    private struct Name: Hashable {
        let username: String
        let domain: String?
    }

    private struct Ranked: Comparable {
        let username: String
        let domain: String
        let index: Int

        static func < (a: Ranked, b: Ranked) -> Bool { (a.username, a.domain) < (b.username, b.domain) }
        static func == (a: Ranked, b: Ranked) -> Bool { a.username == b.username && a.domain == b.domain }
    }
}
