/// One trusted (never banned) range as `GET /v1/trusted` lists it.
///
/// JSON keys: `cidr` (canonical), `origin`: `config` (the configuration file's `trusted:`
/// list; change it there) or `operator` (added with `sipwardenctl trusted add`).
public struct TrustedRangeInfo: Codable, Hashable, Sendable {
    /// The range.
    public var cidr: String
    /// Where it comes from: "config" or "operator".
    public var origin: String

    /// Creates a listing entry.
    public init(cidr: String, origin: String) {
        self.cidr = cidr
        self.origin = origin
    }
}
