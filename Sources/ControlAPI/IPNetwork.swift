#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address or CIDR range, for matching addresses (`registrations list --ip`,
/// `registrations unregister --ip`). Unlike `BanTarget` it takes any prefix, `/0` included:
/// a filter may be as wide as the operator likes.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The network's bytes (4 or 16), host bits cleared.
    public let bytes: [UInt8]
    /// The prefix length in bits.
    public let prefixLength: Int

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
        guard var bytes = Self.addressBytes(text) else { return nil }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12..<16])
            if let given = prefix {
                guard given >= 96 else { return nil }
                prefix = given - 96
            }
        }
        let width = bytes.count * 8
        let length = prefix ?? width
        guard length <= width else { return nil }
        for index in bytes.indices {
            let kept = max(0, min(8, length - index * 8))
            bytes[index] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        self.bytes = bytes
        self.prefixLength = length
    }

    /// What is wrong with `text` as an address or range, with what to type instead; nil when it parses.
    public static func problem(_ text: String) -> String? {
        guard IPNetwork(text) == nil else { return nil }
        return "'\(text)' is not an IP address or CIDR range; give one such as 192.0.2.7, 192.0.2.0/24, 2001:db8::1 or 2001:db8::/32"
    }

    /// Whether the address `ip` (text, brackets allowed) lies in this network.
    public func contains(_ ip: String) -> Bool {
        guard let other = IPNetwork(ip), other.bytes.count == bytes.count else { return false }
        for index in bytes.indices {
            let kept = max(0, min(8, prefixLength - index * 8))
            let mask: UInt8 = kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            if other.bytes[index] & mask != bytes[index] { return false }
        }
        return true
    }

    /// "192.0.2.0/24", or the plain address for a single host (IPv6 in full hex groups).
    public var description: String {
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

    private static func addressBytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 45,
              text.utf8.allSatisfy({ $0 == 0x2E || $0 == 0x3A || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
        else { return nil }
        if !text.utf8.contains(UInt8(ascii: ":")) {  // not Foundation's String.contains: this runs per row of a filtered table
            var v4 = in_addr()
            guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: &v6) { Array($0) }
    }
}
