import SIPWardenPolicy

/// An IPv4 or IPv6 address or CIDR range, for matching addresses (`registrations list --ip`,
/// `registrations unregister --ip`). Unlike `BanTarget` it takes any prefix, `/0` included:
/// a filter may be as wide as the operator likes.
///
/// Parsed by the plugin API's `IPAddress`, the daemon's one address parser.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The network (host bits cleared) and its prefix length.
    public let range: IPRange

    /// The network's bytes (4 or 16), host bits cleared.
    public var bytes: [UInt8] { range.network.bytes }
    /// The prefix length in bits.
    public var prefixLength: Int { range.prefixLength }

    /// Parses "192.0.2.7", "192.0.2.0/24", "2001:db8::/32", "[2001:db8::1]"; nil when it is
    /// none of these. IPv4-mapped IPv6 is the IPv4 address.
    public init?(_ text: String) {
        var text = text.trimmingBlanks()
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            let digits = text[text.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            prefix = Int(digits)
            text = String(text[..<slash])
        }
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        guard let address = IPAddress(text), case .success(let range) = CIDRRange.make(address, writtenAs: text, prefix: prefix) else { return nil }
        self.range = range
    }

    /// What is wrong with `text` as an address or range, with what to type instead; nil when it parses.
    public static func problem(_ text: String) -> String? {
        guard IPNetwork(text) == nil else { return nil }
        return "'\(text)' is not an IP address or CIDR range; give one such as 192.0.2.7, 192.0.2.0/24, 2001:db8::1 or 2001:db8::/32"
    }

    /// Whether the address `ip` (text, brackets allowed; a range counts by its network) lies
    /// in this network.
    public func contains(_ ip: String) -> Bool {
        guard let other = IPNetwork(ip) else { return false }
        return range.contains(other.range.network)
    }

    /// Whether `address` lies in this network (no text: a binding's source).
    public func contains(_ address: IPAddress) -> Bool { range.contains(address) }

    /// "192.0.2.0/24", or the plain address for a single host (IPv6 in full hex groups).
    public var description: String {
        let bytes = self.bytes
        let address = bytes.count == 4
            ? bytes.map(String.init).joined(separator: ".")
            : stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
        return prefixLength == bytes.count * 8 ? address : "\(address)/\(prefixLength)"
    }

    /// The host part of "ip:port", "[v6]:port", "sip:user@host:port;params" or a bare address.
    public static func host(of address: String) -> String {
        // Over the UTF-8 view, without Foundation: the registrations page runs this for every
        // binding a `--ip` filter looks at.
        var text = Substring(address).utf8
        if text.starts(with: "sip:".utf8) {
            text = text.dropFirst(4)
        } else if text.starts(with: "sips:".utf8) {
            text = text.dropFirst(5)
        }
        if let at = text.lastIndex(of: UInt8(ascii: "@")) { text = text[text.index(after: at)...] }
        if let end = text.firstIndex(where: { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: ">") }) {
            text = text[..<end]
        }
        if text.first == UInt8(ascii: "["), let close = text.firstIndex(of: UInt8(ascii: "]")) {
            return String(Substring(text[text.index(after: text.startIndex)..<close]))
        }
        if let colon = text.firstIndex(of: UInt8(ascii: ":")), !text[text.index(after: colon)...].contains(UInt8(ascii: ":")) {
            return String(Substring(text[..<colon]))
        }
        return String(Substring(text))
    }
}
