import SIPWardenPolicy

/// The address or CIDR range a ban names, checked and written the one way the daemon stores
/// it, so `ban add 192.0.2.7/24` and `ban remove 192.0.2.0/24` mean the same row.
///
/// Parsed and written by the plugin API's `IPAddress` and `IPRange` (the daemon's one address
/// parser): host bits are cleared, a /32 or /128 is the plain address, IPv4-mapped IPv6
/// becomes IPv4, IPv6 is written per RFC 5952. Ranges wider than /8 (IPv4) or /16 (IPv6) are
/// refused: a typo such as `0.0.0.0/0` would cut off every phone.
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
        guard let address = IPAddress(addressText) else { return invalid() }
        let range: IPRange
        switch CIDRRange.make(address, writtenAs: addressText, prefix: prefix) {
        case .success(let made): range = made
        case .failure(.mappedPrefixTooShort): return invalid(" (an IPv4-mapped range needs a prefix of /96 or longer)")
        case .failure(.prefixTooLong(let width)): return invalid(" (the prefix length is at most \(width) for IPv\(width == 32 ? 4 : 6))")
        }
        let length = range.prefixLength
        let minimum = address.bitWidth == 32 ? minimumIPv4Prefix : minimumIPv6Prefix
        guard length >= minimum || !minimumWidth else {
            return .failure(Problem(
                message: "'\(shown)' is too wide a range to ban (a prefix shorter than /\(minimum)); ban narrower ranges"))
        }
        return .success(range.description)
    }
}
