/// One country (or `private`, `loopback`, `unknown`) of `GET /v1/analysis/geo`.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `code` | string | ISO 3166-1 alpha-2 code ("DE"), or `private`, `loopback`, `unknown` |
/// | `name` | string | the English name ("Germany"), or a short explanation |
/// | `count` | number | live bindings (in `bindings`) or failed attempts (in `failures`) from there |
/// | `distinct` | number | distinct AORs (in `bindings`) or distinct source addresses (in `failures`) |
public struct GeoRow: Codable, Hashable, Sendable {
    /// The country code, or the class of address.
    public var code: String
    /// The name.
    public var name: String
    /// Bindings or attempts.
    public var count: Int
    /// Distinct AORs or sources.
    public var distinct: Int

    /// Creates a row.
    public init(code: String, name: String, count: Int, distinct: Int) {
        self.code = code
        self.name = name
        self.count = count
        self.distinct = distinct
    }
}
