/// A `name-addr` or `addr-spec` with the header parameters that follow it, as in From, To,
/// Contact, Route and friends (RFC 3261 §20.10, §25.1).
public struct NameAddress: Hashable, Sendable, CustomStringConvertible {
    /// The display name, unquoted and with quoted-pairs undone; nil when absent.
    public var displayName: String?
    /// The URI.
    public var uri: SIPURI
    /// The header parameters after the URI (tag, expires, q, +sip.instance, ...), values verbatim.
    public var parameters: SIPParameters

    /// Creates a name-addr.
    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// The `tag` parameter (RFC 3261 §19.3), when present with a value.
    public var tag: String? { parameters["tag"] ?? nil }

    /// Parses a name-addr or addr-spec with its header parameters.
    ///
    /// Without `<>`, everything after the first ";" is a header parameter (RFC 3261 §20),
    /// and a URI holding ",", "?" or whitespace is rejected: such URIs must be enclosed
    /// (RFC 4475 regbadct, badaspec). Display names are a quoted-string or tokens separated
    /// by whitespace (RFC 4475 baddn: "Bell, Alexander" unquoted is rejected).
    public static func parse(_ text: Substring) throws(SIPParseError) -> NameAddress {
        try SIPGrammar.withBytes(text) { (buf) throws(SIPParseError) -> NameAddress in
            try parse(buf, 0..<buf.count, header: "")
        }
    }

    /// Parses a name-addr or addr-spec from a string.
    public static func parse(_ text: String) throws(SIPParseError) -> NameAddress {
        try parse(Substring(text))
    }

    /// Parses `buf[range]`; `header` names the header in errors.
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, header: String) throws(SIPParseError) -> NameAddress {
        let range = SIPGrammar.trim(buf, range)
        let end = range.upperBound
        var i = range.lowerBound
        let headerName: String? = header.isEmpty ? nil : header
        guard i < end else { throw SIPParseError(.malformedHeader, header: headerName, detail: "empty address") }
        var displayName: String?
        var open: Int?
        if buf[i] == SIPGrammar.quote {
            guard let close = SIPGrammar.scanQuotedString(buf, i, end) else {
                throw SIPParseError(.malformedHeader, header: headerName, detail: "unterminated quoted display name")
            }
            displayName = SIPGrammar.unquote(buf, i..<close)
            i = SIPGrammar.skipWhitespace(buf, close, end)
            guard i < end, buf[i] == UInt8(ascii: "<") else {
                throw SIPParseError(.malformedHeader, header: headerName, detail: "quoted display name must be followed by <URI>")
            }
            open = i
        } else {
            // Tokens and whitespace up to "<" are a display name; a ":" first means an
            // addr-spec (its scheme), whose parameters may hold a quoted "<" of their own.
            let token = CharacterClass.token
            var j = i
            while j < end, token.contains(buf[j]) || SIPGrammar.isWhitespace(buf[j]) { j += 1 }
            if j < end, buf[j] == UInt8(ascii: "<") {
                open = j
                let nameRange = SIPGrammar.trim(buf, i..<j)
                if !nameRange.isEmpty {
                    displayName = try tokenDisplayName(buf, nameRange, header: headerName)
                }
            } else if j < end, buf[j] != UInt8(ascii: ":") {
                throw SIPParseError(
                    .malformedHeader, header: headerName,
                    detail: "display name has \(SIPGrammar.describe(buf[j])); it must be quoted"
                )
            }
        }
        let uri: SIPURI
        var afterURI: Int
        if let open {
            var close: Int?
            for j in (open + 1)..<end where buf[j] == UInt8(ascii: ">") {
                close = j
                break
            }
            guard let close else {
                throw SIPParseError(.malformedHeader, header: headerName, detail: "'<' without matching '>'")
            }
            do {
                uri = try SIPURI.parse(buf, (open + 1)..<close)
            } catch {
                throw SIPParseError(.invalidURI, header: headerName, detail: error.detail)
            }
            afterURI = close + 1
        } else {
            // addr-spec: the URI ends at the first ";" (header parameters follow) or LWS.
            var j = i
            while j < end, buf[j] != UInt8(ascii: ";"), !SIPGrammar.isWhitespace(buf[j]) {
                let b = buf[j]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "?") || b == UInt8(ascii: ">") || b == SIPGrammar.quote {
                    throw SIPParseError(
                        .malformedHeader, header: headerName,
                        detail: "a URI containing \(SIPGrammar.describe(b)) must be enclosed in <>"
                    )
                }
                j += 1
            }
            let k = SIPGrammar.skipWhitespace(buf, j, end)
            guard k == end || buf[k] == UInt8(ascii: ";") else {
                throw SIPParseError(.malformedHeader, header: headerName, detail: "whitespace inside an addr-spec")
            }
            do {
                uri = try SIPURI.parse(buf, i..<j)
            } catch {
                throw SIPParseError(.invalidURI, header: headerName, detail: error.detail)
            }
            afterURI = k
        }
        let parameters = try SIPGrammar.parseHeaderParameters(buf, afterURI, end, header: header)
        return NameAddress(displayName: displayName, uri: uri, parameters: parameters)
    }

    /// `*(token LWS)` display name, whitespace runs collapsed to one space.
    private static func tokenDisplayName(
        _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, header: String?
    ) throws(SIPParseError) -> String {
        let token = CharacterClass.token
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var lastWasSpace = false
        for j in range {
            let b = buf[j]
            if SIPGrammar.isWhitespace(b) {
                if !lastWasSpace { out.append(SIPGrammar.space) }
                lastWasSpace = true
            } else if token.contains(b) {
                out.append(b)
                lastWasSpace = false
            } else {
                throw SIPParseError(
                    .malformedHeader, header: header,
                    detail: "display name has \(SIPGrammar.describe(b)); it must be quoted"
                )
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `"Display" <uri>;params` (the display name and its quotes only when present).
    public var description: String {
        let uriText = uri.description
        var out: [UInt8] = []
        out.reserveCapacity(uriText.utf8.count + 2 + parameters.estimatedLength + (displayName.map { $0.utf8.count * 2 + 3 } ?? 0))
        if let displayName {
            out.append(contentsOf: SIPGrammar.quote(displayName).utf8)
            out.append(SIPGrammar.space)
        }
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: uriText.utf8)
        out.append(UInt8(ascii: ">"))
        parameters.append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
