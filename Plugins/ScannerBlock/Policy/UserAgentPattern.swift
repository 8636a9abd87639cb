/// One configured scanner User-Agent, matched case-insensitively (ASCII) anywhere in the
/// header, and, for whole-word matching, not inside a longer word: `sipcli` matches
/// `sipcli/v1.8` but not `SIPClient 2.0`.
struct UserAgentPattern: Sendable, Equatable {
    /// The pattern as configured.
    let text: String
    /// Its bytes, ASCII lower-cased.
    let bytes: [UInt8]
    /// Whether letters or digits may not touch it on either side.
    let wholeWord: Bool

    /// A pattern; nil when empty.
    init?(_ text: String, wholeWord: Bool) {
        guard !text.isEmpty else { return nil }
        self.text = text
        bytes = text.utf8.map(Self.lower)
        self.wholeWord = wholeWord
    }

    /// Whether the pattern occurs in `userAgent`, which must already be lower-cased with ``lower(_:)``.
    func matches(_ userAgent: [UInt8]) -> Bool {
        let count = bytes.count
        guard count <= userAgent.count, let first = bytes.first else { return false }
        var start = 0
        while start + count <= userAgent.count {
            if userAgent[start] == first, userAgent[start..<(start + count)].elementsEqual(bytes), isBounded(userAgent, start, count) {
                return true
            }
            start += 1
        }
        return false
    }

    private func isBounded(_ userAgent: [UInt8], _ start: Int, _ count: Int) -> Bool {
        guard wholeWord else { return true }
        if let first = bytes.first, Self.isWordByte(first), start > 0, Self.isWordByte(userAgent[start - 1]) { return false }
        let end = start + count
        if let last = bytes.last, Self.isWordByte(last), end < userAgent.count, Self.isWordByte(userAgent[end]) { return false }
        return true
    }

    /// ASCII lower case; other bytes unchanged.
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// An ASCII letter or digit.
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
