/// Shared RFC 3261 §25 grammar pieces over UTF-8 bytes: whitespace, quoted strings, list
/// splitting, generic parameters, bounded integers. Everything works on index ranges of one
/// buffer so parsing allocates only the strings it returns.
enum SIPGrammar {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")

    /// Runs `body` over the UTF-8 bytes of `text` (no copy for native strings), keeping the
    /// typed error: `withUTF8` itself only rethrows untyped errors.
    @inline(__always)
    static func withBytes<R>(
        _ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) throws(SIPParseError) -> R
    ) throws(SIPParseError) -> R {
        var text = text
        let result: Result<R, SIPParseError> = text.withUTF8 { buf in
            Result { () throws(SIPParseError) -> R in try body(buf) }
        }
        return try result.get()
    }

    /// `withBytes` for a `String`.
    @inline(__always)
    static func withBytes<R>(
        _ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws(SIPParseError) -> R
    ) throws(SIPParseError) -> R {
        try withBytes(Substring(text), body)
    }

    /// The index of the first CR or LF at or after `from` (or `end`). Eight bytes at a time:
    /// this loop is where a parser spends most of its time on ordinary messages.
    @inline(__always)
    static func firstLineBreak(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var i = from
        if let base = buf.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let lf = word ^ (ones &* 0x0A)
                let cr = word ^ (ones &* 0x0D)
                // A byte is zero in `lf` or `cr` exactly when the word holds LF or CR there.
                if ((lf &- ones) & ~lf | (cr &- ones) & ~cr) & highs != 0 { break }
                i += 8
            }
        }
        while i < end, buf[i] != lf, buf[i] != cr { i += 1 }
        return i
    }

    /// The index of the LF ending the line that starts at `from` (or `end` when unterminated),
    /// and whether a CR not followed by LF occurs in it.
    @inline(__always)
    static func lineEnd(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> (lf: Int, bareCR: Bool) {
        var bareCR = false
        var p = firstLineBreak(buf, from, end)
        while p < end, buf[p] == cr {
            if p + 1 == end { return (end, bareCR) }
            if buf[p + 1] == lf { return (p + 1, bareCR) }
            bareCR = true
            p = firstLineBreak(buf, p + 1, end)
        }
        return (p, bareCR)
    }

    /// SP or HTAB.
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab }

    /// The first index at or after `i` that is not SP/HTAB (or `end`).
    @inline(__always)
    static func skipWhitespace(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        var i = i
        while i < end, isWhitespace(buf[i]) { i += 1 }
        return i
    }

    /// `range` without leading and trailing SP/HTAB.
    @inline(__always)
    static func trim(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi, isWhitespace(buf[lo]) { lo += 1 }
        while hi > lo, isWhitespace(buf[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// The bytes of `range` as a string (invalid UTF-8 repaired, never a crash).
    @inline(__always)
    static func string(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self)
    }

    /// A byte for an error message: the character when printable, else its hex value.
    static func describe(_ b: UInt8) -> String {
        if b > 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "0x" + String(b, radix: 16, uppercase: true)
    }

    /// ASCII lower-casing; other bytes unchanged.
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 {
        (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
    }

    /// ASCII upper-casing; other bytes unchanged.
    @inline(__always)
    static func upper(_ b: UInt8) -> UInt8 {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) ? b & ~0x20 : b
    }

    /// `text` with ASCII letters lower-cased (non-ASCII left alone, unlike `lowercased()`,
    /// which would apply Unicode rules the SIP grammar does not have).
    static func lowercased(_ text: String) -> String {
        var needs = false
        for b in text.utf8 where b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") {
            needs = true
            break
        }
        if !needs { return text }
        return String(decoding: text.utf8.map(lower), as: UTF8.self)
    }

    /// `buf[range]` as a string with ASCII letters lower-cased.
    static func lowercasedString(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var needs = false
        for i in range where buf[i] >= UInt8(ascii: "A") && buf[i] <= UInt8(ascii: "Z") {
            needs = true
            break
        }
        if !needs { return string(buf, range) }
        return String(decoding: buf[range].map(lower), as: UTF8.self)
    }

    /// `buf[range]` as a string with ASCII letters upper-cased.
    static func uppercasedString(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var needs = false
        for i in range where buf[i] >= UInt8(ascii: "a") && buf[i] <= UInt8(ascii: "z") {
            needs = true
            break
        }
        if !needs { return string(buf, range) }
        return String(decoding: buf[range].map(upper), as: UTF8.self)
    }

    /// ASCII case-insensitive equality (what SIP means by case-insensitive tokens).
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        if a == b { return true }
        var ia = a.utf8.makeIterator()
        var ib = b.utf8.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return true
            case let (x?, y?): if lower(x) != lower(y) { return false }
            default: return false
            }
        }
    }

    /// Whether `range` is a non-empty run of token characters.
    static func isToken(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        if range.isEmpty { return false }
        let token = CharacterClass.token
        for i in range where !token.contains(buf[i]) { return false }
        return true
    }

    /// Whether `text` is a non-empty token.
    static func isToken(_ text: String) -> Bool {
        if text.isEmpty { return false }
        let token = CharacterClass.token
        for b in text.utf8 where !token.contains(b) { return false }
        return true
    }

    /// The end of a token starting at `i` (== `i` when there is none).
    @inline(__always)
    static func scanToken(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let token = CharacterClass.token
        var i = i
        while i < end, token.contains(buf[i]) { i += 1 }
        return i
    }

    /// Given `buf[i] == "`, the index just past the closing quote, honouring quoted-pairs.
    static func scanQuotedString(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        var j = i + 1
        while j < end {
            let b = buf[j]
            if b == backslash {
                // A quoted-pair may not escape CR or LF (RFC 3261 §25.1).
                guard j + 1 < end, buf[j + 1] != cr, buf[j + 1] != lf else { return nil }
                j += 2
            } else if b == quote {
                return j + 1
            } else if b == cr || b == lf {
                return nil
            } else {
                j += 1
            }
        }
        return nil
    }

    /// The content of the quoted string spanning `range` (quotes included), quoted-pairs undone.
    static func unquote(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        var hasPair = false
        for i in inner where buf[i] == backslash {
            hasPair = true
            break
        }
        if !hasPair { return string(buf, inner) }
        var out: [UInt8] = []
        out.reserveCapacity(inner.count)
        var i = inner.lowerBound
        while i < inner.upperBound {
            if buf[i] == backslash, i + 1 < inner.upperBound {
                out.append(buf[i + 1])
                i += 2
            } else {
                out.append(buf[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a quoted-string: quotes and backslashes escaped, CR/LF dropped.
    static func quote(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` to `out` as a quoted-string (see `quote(_:)`): a header value written
    /// as bytes makes no string for it (appending to a String costs about 170 instructions
    /// a piece).
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(quote)
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            // Nothing to escape or drop (nonces, realms, URIs): the bytes between two quotes.
            if !bytes.contains(where: needsEscape) {
                out.append(contentsOf: bytes)
            } else {
                for byte in bytes { appendEscaped(byte, to: &out) }
            }
        }
        if copied == nil { for byte in text.utf8 { appendEscaped(byte, to: &out) } }
        out.append(quote)
    }

    /// A quote or backslash (escaped in a quoted-string), or CR or LF (dropped).
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == quote || byte == UInt8(ascii: "\\") || byte == cr || byte == lf
    }

    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case quote, UInt8(ascii: "\\"):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case cr, lf:
            break
        default:
            out.append(byte)  // UTF-8 continuation bytes too: the scalars stay whole
        }
    }

    /// Splits `range` at top-level commas: commas inside quoted strings and <...> do not
    /// count. Elements are trimmed; empty elements are kept (callers decide if that is an error).
    static func splitList(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        var i = range.lowerBound
        var inAngle = false
        while i < range.upperBound {
            let b = buf[i]
            if b == quote {
                // An unterminated quote swallows the rest; the element parser then reports it.
                i = scanQuotedString(buf, i, range.upperBound) ?? range.upperBound
                continue
            }
            if b == UInt8(ascii: "<") {
                inAngle = true
            } else if b == UInt8(ascii: ">") {
                inAngle = false
            } else if b == UInt8(ascii: ","), !inAngle {
                parts.append(trim(buf, start..<i))
                start = i + 1
            }
            i += 1
        }
        parts.append(trim(buf, start..<range.upperBound))
        return parts
    }

    /// Parses a decimal integer of at most `maxDigits` significant digits and no more than
    /// `limit`; nil when `range` is empty, not all digits, or too large. Never overflows.
    static func parseDecimal(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: UInt64) -> UInt64? {
        if range.isEmpty { return nil }
        var value: UInt64 = 0
        for i in range {
            let b = buf[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let digit = UInt64(b &- UInt8(ascii: "0"))
            guard digit <= limit, value <= (limit - digit) / 10 else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Whether `range` is all decimal digits (and not empty).
    static func isDigits(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        if range.isEmpty { return false }
        for i in range where buf[i] < UInt8(ascii: "0") || buf[i] > UInt8(ascii: "9") { return false }
        return true
    }

    /// Parses `*( SEMI generic-param )` from `i` to `end` (RFC 3261 `generic-param`:
    /// token [ EQUAL ( token / host / quoted-string ) ], LWS allowed around ";" and "=").
    /// Values are kept verbatim, quoted strings with their quotes.
    static func parseHeaderParameters(
        _ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, header: String
    ) throws(SIPParseError) -> SIPParameters {
        var parameters = SIPParameters()
        let header: String? = header.isEmpty ? nil : header
        var i = skipWhitespace(buf, start, end)
        let valueChars = CharacterClass.genericValue
        // One allocation for the usual few (a Via's branch, rport, received): growing from
        // empty reallocated the list on the second and third.
        if i < end { parameters.reserveCapacity(4) }
        while i < end {
            guard buf[i] == UInt8(ascii: ";") else {
                throw SIPParseError(.malformedHeader, header: header, detail: "unexpected \(describe(buf[i])) where ';' or end was expected")
            }
            i = skipWhitespace(buf, i + 1, end)
            let nameEnd = scanToken(buf, i, end)
            guard nameEnd > i else {
                throw SIPParseError(.malformedHeader, header: header, detail: "empty parameter name")
            }
            let name = string(buf, i..<nameEnd)
            i = skipWhitespace(buf, nameEnd, end)
            var value: String?
            if i < end, buf[i] == UInt8(ascii: "=") {
                i = skipWhitespace(buf, i + 1, end)
                guard i < end else {
                    throw SIPParseError(.malformedHeader, header: header, detail: "parameter \(name) has '=' but no value")
                }
                if buf[i] == quote {
                    guard let close = scanQuotedString(buf, i, end) else {
                        throw SIPParseError(.malformedHeader, header: header, detail: "unterminated quoted string in parameter \(name)")
                    }
                    value = string(buf, i..<close)
                    i = close
                } else {
                    var j = i
                    while j < end, valueChars.contains(buf[j]) { j += 1 }
                    guard j > i else {
                        throw SIPParseError(.malformedHeader, header: header, detail: "parameter \(name) has an invalid value")
                    }
                    value = string(buf, i..<j)
                    i = j
                }
                i = skipWhitespace(buf, i, end)
            }
            parameters.append(name, value)
        }
        return parameters
    }
}
