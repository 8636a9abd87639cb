/// Where an address is: a country from the database, or why there is none.
public struct GeoPlace: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kinds of answer a lookup gives.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// The database placed the address in a country.
        case country
        /// A private address (RFC 1918, RFC 6598 shared space, IPv6 unique local, link-local).
        case `private`
        /// A loopback address (127.0.0.0/8, ::1).
        case loopback
        /// A public address the database does not place, or no database.
        case unknown
    }

    /// What kind of answer this is.
    public var kind: Kind
    /// The ISO 3166-1 alpha-2 code ("DE") for a country; `private`, `loopback` or `unknown` otherwise.
    public var code: String
    /// The English name ("Germany"); for the other kinds a short explanation.
    public var name: String

    /// A country.
    public static func country(code: String, name: String) -> GeoPlace {
        GeoPlace(kind: .country, code: code, name: name.isEmpty ? code : name)
    }

    /// A private address.
    public static let privateNetwork = GeoPlace(kind: .private, code: "private", name: "private network")
    /// A loopback address.
    public static let loopback = GeoPlace(kind: .loopback, code: "loopback", name: "loopback")
    /// An address no database places.
    public static let unknown = GeoPlace(kind: .unknown, code: "unknown", name: "unknown")

    /// Creates a place.
    public init(kind: Kind, code: String, name: String) {
        self.kind = kind
        self.code = code
        self.name = name
    }

    /// `DE Germany`, or `private`, `loopback`, `unknown`.
    public var description: String { kind == .country ? "\(code) \(name)" : code }
}
