/// A CIDR range of addresses, such as `192.0.2.0/24` or `2001:db8::/32`; a single address is
/// a /32 or /128 range.
@frozen public struct IPRange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The first address of the range (host bits are always zero).
    public let network: IPAddress
    /// The number of leading bits that are fixed: 0...32 for IPv4, 0...128 for IPv6.
    public let prefixLength: Int

    /// Parses `192.0.2.0/24`, `2001:db8::/32`, or one address. Host bits set in the address
    /// are cleared (`192.0.2.7/24` is `192.0.2.0/24`), as routers do. An IPv4-mapped IPv6
    /// range (`::ffff:192.0.2.0/120`) becomes the IPv4 range. Nil when the text is not a range.
    public init?(_ text: String) {
        guard let slash = text.firstIndex(of: "/") else {
            guard let address = IPAddress(text) else { return nil }
            self.init(address: address, prefixLength: address.bitWidth)
            return
        }
        let addressText = String(text[..<slash])
        let prefixText = text[text.index(after: slash)...]
        guard let address = IPAddress(addressText), !prefixText.isEmpty, prefixText.count <= 3,
              prefixText.allSatisfy({ $0.isASCII && $0.isNumber }), var prefix = Int(prefixText)
        else { return nil }
        if !address.isIPv6, addressText.contains(":") {
            // Written as IPv4-mapped IPv6: the prefix counted 96 bits of the mapping first.
            guard prefix >= 96, prefix <= 128 else { return nil }
            prefix -= 96
        }
        guard prefix <= address.bitWidth else { return nil }
        self.init(address: address, prefixLength: prefix)
    }

    /// The range of `prefixLength` leading bits of `address` (host bits are cleared; a length
    /// outside the family's width is clamped to it).
    public init(address: IPAddress, prefixLength: Int) {
        let prefix = min(max(prefixLength, 0), address.bitWidth)
        self.prefixLength = prefix
        self.network = Self.masked(address, prefix)
    }

    /// Whether the range is exactly one address (/32 or /128).
    public var isSingleAddress: Bool { prefixLength == network.bitWidth }

    /// The last address of the range (the network with every host bit set).
    public var lastAddress: IPAddress {
        if let v4 = network.ipv4Value {
            let hostMask: UInt32 = prefixLength >= 32 ? 0 : (UInt32.max >> UInt32(prefixLength))
            return IPAddress(ipv4: v4 | hostMask)
        }
        let (high, low) = network.ipv6Value ?? (0, 0)
        let (highMask, lowMask) = Self.ipv6Masks(prefixLength)
        return IPAddress(high: high | ~highMask, low: low | ~lowMask, family: 6)
    }

    /// Whether `address` lies in the range (always false across address families).
    public func contains(_ address: IPAddress) -> Bool {
        address.family == network.family && Self.masked(address, prefixLength) == network
    }

    /// `192.0.2.0/24`; a single address prints as just the address.
    public var description: String {
        isSingleAddress ? network.description : "\(network)/\(prefixLength)"
    }

    /// Decodes the range from its text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let range = IPRange(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an IP address or CIDR range: '\(text)'")
        }
        self = range
    }

    /// Encodes the range as its text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func masked(_ address: IPAddress, _ prefix: Int) -> IPAddress {
        if let v4 = address.ipv4Value {
            let mask: UInt32 = prefix <= 0 ? 0 : (UInt32.max << UInt32(32 - prefix))
            return IPAddress(ipv4: v4 & mask)
        }
        let (high, low) = address.ipv6Value ?? (0, 0)
        let (highMask, lowMask) = ipv6Masks(prefix)
        return IPAddress(high: high & highMask, low: low & lowMask, family: 6)
    }

    private static func ipv6Masks(_ prefix: Int) -> (UInt64, UInt64) {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : UInt64.max << UInt64(64 - bits) }
        return (mask(prefix), mask(prefix - 64))
    }
}
