/// One trusted (never banned) range as `GET /v1/trusted` lists it.
///
/// JSON keys: `cidr` (canonical), `origin`: `config` (the configuration file's `trusted:`
/// list; change it there), `operator` (added with `sipwardenctl trusted add`) or `trunk NAME`
/// (a trunk's resolved registrar or outbound proxy, trusted while the trunk exists).
public struct TrustedRangeInfo: Codable, Hashable, Sendable {
    /// The range.
    public var cidr: String
    /// Where it comes from: "config", "operator" or "trunk NAME".
    public var origin: String

    /// Creates a listing entry.
    public init(cidr: String, origin: String) {
        self.cidr = cidr
        self.origin = origin
    }
}
