/// A set of ASCII bytes as a 256-bit mask: membership is two shifts, no table lookups with
/// bounds checks, which keeps the grammar loops tight.
struct CharacterClass: Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    /// Creates a class from the characters of `chars`, plus letters and digits when `alphanumeric`.
    init(alphanumeric: Bool, _ chars: String) {
        if alphanumeric {
            for b in UInt8(ascii: "a")...UInt8(ascii: "z") { insert(b) }
            for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { insert(b) }
            for b in UInt8(ascii: "0")...UInt8(ascii: "9") { insert(b) }
        }
        for b in chars.utf8 { insert(b) }
    }

    private mutating func insert(_ b: UInt8) {
        if b < 64 { low |= 1 << UInt64(b) } else if b < 128 { high |= 1 << UInt64(b - 64) }
    }

    /// Whether `b` is in the class (bytes >= 0x80 never are).
    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        if b < 64 { return (low >> UInt64(b)) & 1 == 1 }
        if b < 128 { return (high >> UInt64(b &- 64)) & 1 == 1 }
        return false
    }

    /// RFC 3261 token.
    static let token = CharacterClass(alphanumeric: true, "-.!%*_+`'~")
    /// RFC 3261 unreserved (alphanum / mark).
    static let unreserved = CharacterClass(alphanumeric: true, "-_.!~*'()")
    /// Characters allowed unescaped in a SIP-URI user part.
    static let user = CharacterClass(alphanumeric: true, "-_.!~*'()&=+$,;?/")
    /// Characters allowed unescaped in a SIP-URI password.
    static let password = CharacterClass(alphanumeric: true, "-_.!~*'()&=+$,")
    /// Characters allowed unescaped in a URI parameter name or value (paramchar).
    static let parameter = CharacterClass(alphanumeric: true, "-_.!~*'()[]/:&+$")
    /// Characters allowed unescaped in a URI header name or value (hname / hvalue).
    static let uriHeader = CharacterClass(alphanumeric: true, "-_.!~*'()[]/?:+$")
    /// Characters of a host name or IPv4 address (underscore tolerated: it occurs in real DNS names).
    static let hostname = CharacterClass(alphanumeric: true, "-._")
    /// Characters inside an IPv6 reference's brackets.
    static let ipv6 = CharacterClass(alphanumeric: false, "0123456789abcdefABCDEF:.")
    /// Characters after the first letter of a URI scheme.
    static let scheme = CharacterClass(alphanumeric: true, "+-.")
    /// Characters of an unquoted header parameter value: token, host (IPv6 references too).
    static let genericValue = CharacterClass(alphanumeric: true, "-.!%*_+`'~:[]")
    /// Characters allowed in an opaque (unknown scheme) URI: anything visible except the
    /// delimiters that end a URI in a header ("<", ">", quote).
    static let opaque = CharacterClass(
        alphanumeric: true, "-_.!~*'()[]/?:@&=+$,;%#{}|\\^`"
    )
}
