import SIPWardenPolicy

extension IPAddress {
    /// The address as a number (IPv4 in the low 32 bits).
    var numericValue: UInt128 {
        if let v4 = ipv4Value { return UInt128(v4) }
        let (high, low) = ipv6Value ?? (0, 0)
        return UInt128(high) << 64 | UInt128(low)
    }

    /// 4 or 6.
    var familyNumber: Int { isIPv6 ? 6 : 4 }

    /// The address of `family` with numeric value `value`.
    static func numeric(_ value: UInt128, family: Int) -> IPAddress {
        family == 4 ? IPAddress(ipv4: UInt32(truncatingIfNeeded: value))
            : IPAddress(ipv6High: UInt64(truncatingIfNeeded: value >> 64), low: UInt64(truncatingIfNeeded: value))
    }
}

extension IPRange {
    /// The first and last address of the range as numbers.
    var numericBounds: (first: UInt128, last: UInt128) { (network.numericValue, lastAddress.numericValue) }
}
