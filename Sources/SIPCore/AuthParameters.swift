/// `scheme auth-param *(COMMA auth-param)` as in Authorization and WWW-Authenticate
/// (RFC 3261 §25.1, RFC 7235 §2.1): names case-insensitive, values token or quoted-string.
struct AuthParameters {
    /// Parameter values with their lower-cased names, in order, quoted strings unescaped. A
    /// header has about ten: a linear scan beats hashing them into a dictionary.
    private var pairs: [(name: String, value: String)] = []
    /// Positions by name, built only past `linearLimit` pairs, so a hostile header with
    /// thousands of parameters costs linear time, not quadratic.
    private var index: [String: Int]?
    private static let linearLimit = 16

    /// The value of `name` (lower-case).
    subscript(_ name: String) -> String? {
        if let index { return index[name].map { pairs[$0].value } }
        for pair in pairs where pair.name == name { return pair.value }
        return nil
    }

    /// Appends a pair whose name is not present yet.
    private mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
        if index != nil {
            index?[name] = pairs.count - 1
        } else if pairs.count > Self.linearLimit {
            var built: [String: Int] = [:]
            for (position, pair) in pairs.enumerated() { built[pair.name] = position }
            index = built
        }
    }

    /// Parses `text`; nil when its scheme is not `scheme`. A repeated parameter, a missing
    /// value or an unterminated quote is `.invalidCredentials`.
    static func parse(_ text: Substring, expectingScheme scheme: String, header: String) throws(SIPParseError) -> AuthParameters? {
        try SIPGrammar.withBytes(text) { (buf) throws(SIPParseError) -> AuthParameters? in
            let end = buf.count
            func fail(_ detail: String) -> SIPParseError { SIPParseError(.invalidCredentials, header: header, detail: detail) }
            var i = SIPGrammar.skipWhitespace(buf, 0, end)
            let schemeEnd = SIPGrammar.scanToken(buf, i, end)
            guard schemeEnd > i, SIPGrammar.equalsIgnoringCase(SIPGrammar.string(buf, i..<schemeEnd), scheme) else {
                return nil
            }
            guard schemeEnd == end || SIPGrammar.isWhitespace(buf[schemeEnd]) else { return nil }
            i = SIPGrammar.skipWhitespace(buf, schemeEnd, end)
            var result = AuthParameters()
            result.pairs.reserveCapacity(12)
            while i < end {
                let nameEnd = SIPGrammar.scanToken(buf, i, end)
                guard nameEnd > i else { throw fail("expected a parameter name, found \(SIPGrammar.describe(buf[i]))") }
                let name = SIPGrammar.lowercasedString(buf, i..<nameEnd)
                i = SIPGrammar.skipWhitespace(buf, nameEnd, end)
                guard i < end, buf[i] == UInt8(ascii: "=") else { throw fail("parameter \(name) has no value") }
                i = SIPGrammar.skipWhitespace(buf, i + 1, end)
                guard i < end else { throw fail("parameter \(name) has no value") }
                let value: String
                if buf[i] == SIPGrammar.quote {
                    guard let close = SIPGrammar.scanQuotedString(buf, i, end) else {
                        throw fail("unterminated quoted value of \(name)")
                    }
                    value = SIPGrammar.unquote(buf, i..<close)
                    i = close
                } else {
                    // Tolerate unquoted non-token values (uri=sip:host from sloppy clients):
                    // everything visible up to the next comma or whitespace.
                    var valueEnd = i
                    while valueEnd < end {
                        let b = buf[valueEnd]
                        if b == UInt8(ascii: ",") || b == SIPGrammar.quote || b <= 0x20 || b == 0x7F { break }
                        valueEnd += 1
                    }
                    guard valueEnd > i else { throw fail("parameter \(name) has an invalid value") }
                    value = SIPGrammar.string(buf, i..<valueEnd)
                    i = valueEnd
                }
                guard result[name] == nil else { throw fail("parameter \(name) appears twice") }
                result.append(name, value)
                i = SIPGrammar.skipWhitespace(buf, i, end)
                if i < end {
                    guard buf[i] == UInt8(ascii: ",") else { throw fail("expected ',' after \(name)") }
                    i = SIPGrammar.skipWhitespace(buf, i + 1, end)
                    guard i < end else { throw fail("trailing comma") }
                }
            }
            return result
        }
    }
}
