/// One page of `GET /v1/registrations/page` (`sipwardenctl registrations list --offset --limit`,
/// the web console's table): the rows a `RegistrationQuery` selects, cut on the daemon's side so
/// a client never receives 100,000 bindings to show 100.
///
/// JSON keys: `total` (rows the query selects), `offset`, `limit`, `registrations` (at most `limit`).
public struct RegistrationPage: Codable, Hashable, Sendable {
    /// The largest page served.
    public static let maximumLimit = 1000

    /// How many rows the query selects in all.
    public var total: Int
    /// The index of the first row of this page.
    public var offset: Int
    /// The page size asked for.
    public var limit: Int
    /// The rows, in the query's order.
    public var registrations: [RegistrationInfo]

    /// Creates a page.
    public init(total: Int, offset: Int, limit: Int, registrations: [RegistrationInfo]) {
        self.total = total
        self.offset = offset
        self.limit = limit
        self.registrations = registrations
    }
}
