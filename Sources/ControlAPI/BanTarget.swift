#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The address or CIDR range a ban names, checked and written the one way the daemon stores
/// it, so `ban add 192.0.2.7/24` and `ban remove 192.0.2.0/24` mean the same row.
///
/// The same rules as the plugin API's `IPRange` (which this module may not import): host bits
/// are cleared, a /32 or /128 is the plain address, IPv4-mapped IPv6 becomes IPv4, IPv6 is
/// written per RFC 5952. Ranges wider than /8 (IPv4) or /16 (IPv6) are refused: a typo such
/// as `0.0.0.0/0` would cut off every phone.
public enum BanTarget {
    /// The widest IPv4 range a ban may name.
    public static let minimumIPv4Prefix = 8
    /// The widest IPv6 range a ban may name.
    public static let minimumIPv6Prefix = 16

    /// The canonical text of an address or CIDR range, or nil when `text` is neither (or is
    /// too wide; `problem(_:)` says which).
    public static func canonical(_ text: String) -> String? {
        if case .success(let canonical) = parse(text) { return canonical }
        return nil
    }

    /// What is wrong with `text` as a ban target, or nil when it is acceptable.
    public static func problem(_ text: String) -> String? {
        if case .failure(let problem) = parse(text) { return problem.message }
        return nil
    }

    /// The canonical text without the width limit (for allow and trusted ranges), or nil.
    static func canonicalAnyWidth(_ text: String) -> String? {
        if case .success(let canonical) = parse(text, minimumWidth: false) { return canonical }
        return nil
    }

    private struct Problem: Error {
        var message: String
    }

    private static func parse(_ text: String, minimumWidth: Bool = true) -> Result<String, Problem> {
        let shown = text.count <= 60 ? text : String(text.prefix(57)) + "..."
        let advice = "give an IPv4 or IPv6 address or a CIDR range, such as 192.0.2.7, 2001:db8::1 or 192.0.2.0/24"
        func invalid(_ why: String = "") -> Result<String, Problem> {
            .failure(Problem(message: "'\(shown)' is not an IP address or CIDR range\(why); \(advice)"))
        }
        guard !text.isEmpty else { return .failure(Problem(message: "the address is empty; \(advice)")) }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = String(parts[0])
        var prefix: Int?
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(digits)
            else { return invalid(" (the prefix length after '/' must be a number)") }
            prefix = value
        }
        guard var bytes = addressBytes(addressText) else { return invalid() }
        // IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address; its prefix counted the 96
        // mapping bits first.
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12..<16])
            if let given = prefix {
                guard given >= 96 else { return invalid(" (an IPv4-mapped range needs a prefix of /96 or longer)") }
                prefix = given - 96
            }
        }
        let width = bytes.count * 8
        let length = prefix ?? width
        guard length <= width else {
            return invalid(" (the prefix length is at most \(width) for IPv\(width == 32 ? 4 : 6))")
        }
        let minimum = width == 32 ? minimumIPv4Prefix : minimumIPv6Prefix
        guard length >= minimum || !minimumWidth else {
            return .failure(Problem(
                message: "'\(shown)' is too wide a range to ban (a prefix shorter than /\(minimum)); ban narrower ranges"))
        }
        for index in bytes.indices {
            let kept = max(0, min(8, length - index * 8))
            bytes[index] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        let address = width == 32 ? bytes.map(String.init).joined(separator: ".") : ipv6Text(bytes)
        return .success(length == width ? address : "\(address)/\(length)")
    }

    /// The 4 or 16 bytes of an address (no brackets, no zone), or nil.
    private static func addressBytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 45,
              text.utf8.allSatisfy({ $0 == 0x2E || $0 == 0x3A || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
        else { return nil }
        var v4 = in_addr()
        if !text.contains(":") {
            guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: &v6) { Array($0) }
    }

    /// RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero
    /// groups (the first on a tie) as `::`.
    private static func ipv6Text(_ bytes: [UInt8]) -> String {
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
