import SIPWardenPolicy

/// An address and the prefix length written after it, made a range by the one rule
/// `BanTarget` and `IPNetwork` share: IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is the IPv4 address,
/// and its prefix counted the 96 mapping bits first; no prefix means the single address.
enum CIDRRange {
    enum Problem: Error {
        /// An IPv4-mapped address with a prefix shorter than /96.
        case mappedPrefixTooShort
        /// A prefix longer than the address (`width` bits).
        case prefixTooLong(width: Int)
    }

    /// The range of `address`, written as `text`, with `prefix` bits (nil: all of them).
    static func make(_ address: IPAddress, writtenAs text: String, prefix: Int?) -> Result<IPRange, Problem> {
        var prefix = prefix
        if !address.isIPv6, text.utf8.contains(UInt8(ascii: ":")), let given = prefix {
            guard given >= 96 else { return .failure(.mappedPrefixTooShort) }
            prefix = given - 96
        }
        let width = address.bitWidth
        let length = prefix ?? width
        guard length <= width else { return .failure(.prefixTooLong(width: width)) }
        return .success(IPRange(address: address, prefixLength: length))
    }
}
