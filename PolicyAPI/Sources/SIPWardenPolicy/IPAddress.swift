/// An IPv4 or IPv6 address, stored inline (two words and a family, no heap) because it is
/// created and compared on the per-packet path.
///
/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) become the IPv4 address, so a dual-stack
/// socket's view of an IPv4 peer and the peer itself are one key.
@frozen public struct IPAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The upper 64 bits of an IPv6 address; zero for IPv4.
    @usableFromInline let high: UInt64
    /// The lower 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits.
    @usableFromInline let low: UInt64
    /// 4 or 6.
    @usableFromInline let family: UInt8

    /// Parses `192.0.2.1` or `2001:db8::1` (no brackets, no zone); nil when the text is not an
    /// address. IPv4 parts with leading zeros are refused (they mean octal to some tools).
    public init?(_ text: String) {
        var text = text
        let parsed: IPAddress? = text.withUTF8 { bytes in
            if let v4 = Self.parseIPv4(bytes[...]) { return IPAddress(ipv4: v4) }
            if let (high, low) = Self.parseIPv6(bytes) { return IPAddress(ipv6High: high, low: low) }
            return nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// An IPv4 address from its 32-bit value (network order read as a number: 192.0.2.1 is 0xC0000201).
    public init(ipv4 value: UInt32) {
        self.init(high: 0, low: UInt64(value), family: 4)
    }

    /// An IPv6 address from its upper and lower 64 bits; IPv4-mapped values become IPv4.
    public init(ipv6High high: UInt64, low: UInt64) {
        if high == 0, low >> 32 == 0xFFFF {
            self.init(ipv4: UInt32(truncatingIfNeeded: low))
        } else {
            self.init(high: high, low: low, family: 6)
        }
    }

    /// An address with exactly this family, without IPv4-mapped conversion (range arithmetic
    /// on IPv6 ranges may legitimately produce values in the mapped block).
    init(high: UInt64, low: UInt64, family: UInt8) {
        self.high = high
        self.low = low
        self.family = family
    }

    /// An address from its 4 or 16 bytes in network order; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            self.init(ipv4: bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        case 16:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self.init(ipv6High: high, low: low)
        default:
            return nil
        }
    }

    /// Whether this is an IPv6 address (IPv4-mapped ones are IPv4).
    @inlinable public var isIPv6: Bool { family == 6 }

    /// The 32-bit value of an IPv4 address; nil for IPv6.
    public var ipv4Value: UInt32? { family == 4 ? UInt32(truncatingIfNeeded: low) : nil }

    /// The upper and lower 64 bits of an IPv6 address; nil for IPv4.
    public var ipv6Value: (high: UInt64, low: UInt64)? { family == 6 ? (high, low) : nil }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        if family == 4 {
            return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * UInt64($0))) }
        }
        return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64($0))) }
    }

    /// The address width in bits: 32 or 128.
    public var bitWidth: Int { family == 4 ? 32 : 128 }

    /// Canonical text: dotted quad, or IPv6 per RFC 5952 (lower case, no leading zeros, the
    /// longest run of two or more zero groups as `::`, the first one on a tie).
    public var description: String {
        if family == 4 {
            // Written digit by digit into at most 15 bytes (a small string: no heap), not
            // through interpolation: responses carry the source as text (Via `received`).
            let v = UInt32(truncatingIfNeeded: low)
            return String(unsafeUninitializedCapacity: 15) { buffer in
                var at = 0
                var shift: UInt32 = 24
                while true {
                    let octet = UInt8(truncatingIfNeeded: v >> shift)
                    if octet >= 100 { buffer[at] = UInt8(ascii: "0") + octet / 100; at += 1 }
                    if octet >= 10 { buffer[at] = UInt8(ascii: "0") + octet / 10 % 10; at += 1 }
                    buffer[at] = UInt8(ascii: "0") + octet % 10
                    at += 1
                    guard shift > 0 else { return at }
                    buffer[at] = UInt8(ascii: ".")
                    at += 1
                    shift -= 8
                }
            }
        }
        // The groups read straight from the two words, the text written into at most 39
        // bytes: no arrays, no joined strings (an IPv6 phone's events and responses carry it).
        @inline(__always) func group(_ index: Int) -> UInt16 {
            UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> (48 - 16 * UInt64(index & 3)))
        }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard group(index) == 0 else { index += 1; continue }
            var end = index
            while end < 8, group(end) == 0 { end += 1 }
            if end - index > bestLength { bestStart = index; bestLength = end - index }
            index = end
        }
        return String(unsafeUninitializedCapacity: 39) { buffer in
            var at = 0
            func put(_ value: UInt16) {
                var started = false
                var shift: UInt16 = 12
                while true {
                    let digit = UInt8(truncatingIfNeeded: value >> shift & 0xF)
                    if digit != 0 || started || shift == 0 {
                        buffer[at] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                        at += 1
                        started = true
                    }
                    guard shift > 0 else { return }
                    shift -= 4
                }
            }
            var index = 0
            while index < 8 {
                if index == bestStart {
                    buffer[at] = UInt8(ascii: ":")
                    buffer[at + 1] = UInt8(ascii: ":")
                    at += 2
                    index += bestLength
                    continue
                }
                if index > 0, index != bestStart + bestLength || bestStart < 0 {
                    buffer[at] = UInt8(ascii: ":")
                    at += 1
                }
                put(group(index))
                index += 1
            }
            return at
        }
    }

    /// IPv4 sorts before IPv6; within a family, numerically.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.family, lhs.high, lhs.low) < (rhs.family, rhs.high, rhs.low)
    }

    /// Decodes the address from its text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = IPAddress(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an IP address: '\(text)'")
        }
        self = address
    }

    /// Encodes the address as its canonical text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: parsing (no Foundation: plugins must not need it)

    static func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits > 0, part == 0 { return nil }  // leading zero
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let count = bytes.count
        let colon = UInt8(ascii: ":")
        guard count >= 2 else { return nil }
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var gapAt: Int?
        var index = 0
        if bytes[0] == colon {
            guard bytes[1] == colon else { return nil }
            gapAt = 0
            index = 2
        }
        while index < count {
            var end = index
            var value: UInt32 = 0
            while end < count, let digit = hexDigit(bytes[end]) {
                value = value << 4 | digit
                end += 1
                if end - index > 4 { return nil }
            }
            if end < count, bytes[end] == UInt8(ascii: ".") {
                // A trailing dotted quad fills the last two groups.
                guard groups.count <= 6, let v4 = parseIPv4(bytes[index..<count]) else { return nil }
                groups.append(UInt16(truncatingIfNeeded: v4 >> 16))
                groups.append(UInt16(truncatingIfNeeded: v4))
                index = count
                break
            }
            guard end > index else { return nil }
            groups.append(UInt16(value))
            guard groups.count <= 8 else { return nil }
            if end == count { index = count; break }
            guard bytes[end] == colon else { return nil }
            if end + 1 < count, bytes[end + 1] == colon {
                guard gapAt == nil else { return nil }
                gapAt = groups.count
                index = end + 2
            } else {
                index = end + 1
                guard index < count else { return nil }  // a single trailing colon
            }
        }
        if let gapAt {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapAt)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
