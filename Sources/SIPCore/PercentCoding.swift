/// RFC 3261 §25.1 "escaped" (%HH) handling for URI components: decoded exactly once on input,
/// re-encoded on output for every byte the component's grammar does not allow bare.
enum PercentCoding {
    /// The value of an ASCII hex digit, or nil.
    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Checks that `buf[range]` has only `allowed` bytes and well-formed escapes, and returns
    /// it decoded. Decoded bytes may be any UTF-8, NUL included; escapes that do not form
    /// UTF-8 are an error.
    static func decode(
        _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, allowed: CharacterClass, what: String
    ) throws(SIPParseError) -> String {
        var hasEscape = false
        var i = range.lowerBound
        while i < range.upperBound {
            let b = buf[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < range.upperBound,
                      hexValue(buf[i + 1]) != nil, hexValue(buf[i + 2]) != nil
                else { throw SIPParseError(.invalidURI, detail: "bad %-escape in \(what)") }
                hasEscape = true
                i += 3
            } else if allowed.contains(b) {
                i += 1
            } else {
                throw SIPParseError(.invalidURI, detail: "character \(SIPGrammar.describe(b)) not allowed in \(what)")
            }
        }
        let slice = UnsafeBufferPointer(rebasing: buf[range])
        if !hasEscape { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        i = range.lowerBound
        while i < range.upperBound {
            let b = buf[i]
            if b == UInt8(ascii: "%"), let h = hexValue(buf[i + 1]), let l = hexValue(buf[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        // Escapes must decode to UTF-8: repairing would map "%FE" and "%FF" to the same
        // U+FFFD, and two different users would share one address of record.
        guard let decoded = String(validating: out, as: UTF8.self) else {
            throw SIPParseError(.invalidURI, detail: "%-escapes in \(what) do not decode to UTF-8")
        }
        return decoded
    }

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends `text` to `out`, %-encoding (upper-case hex) every byte not in `allowed`.
    static func encode(_ text: String, allowed: CharacterClass, into out: inout String) {
        var needs = false
        for b in text.utf8 where !allowed.contains(b) {
            needs = true
            break
        }
        if !needs {
            out += text
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for b in text.utf8 {
            if allowed.contains(b) {
                bytes.append(b)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(upperHex[Int(b >> 4)])
                bytes.append(upperHex[Int(b & 0x0F)])
            }
        }
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the bytes of `text` to `out`, %-encoding (upper-case hex) every byte not in `allowed`.
    static func encode(_ text: String, allowed: CharacterClass, into out: inout [UInt8]) {
        for b in text.utf8 {
            if allowed.contains(b) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(b >> 4)])
                out.append(upperHex[Int(b & 0x0F)])
            }
        }
    }

    /// Appends `text` with its ASCII letters lower-cased and then every byte not in `allowed`
    /// %-encoded: `encode(SIPGrammar.lowercased(text), allowed:)` without the lower-cased copy.
    static func encodeLowered(_ text: String, allowed: CharacterClass, into out: inout [UInt8]) {
        for b in text.utf8 {
            let l = SIPGrammar.lower(b)
            if allowed.contains(l) {
                out.append(l)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(l >> 4)])
                out.append(upperHex[Int(l & 0x0F)])
            }
        }
    }

    /// `text` with every byte not in `allowed` %-encoded.
    static func encode(_ text: String, allowed: CharacterClass) -> String {
        var out = ""
        encode(text, allowed: allowed, into: &out)
        return out
    }
}
