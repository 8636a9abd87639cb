/// A SIP request whose mandatory headers have been checked.
///
/// Via, From, To, Call-ID, CSeq and Max-Forwards are parsed and validated when the request
/// is made; Contact, Expires and Authorization are parsed only when asked for, because most
/// requests a registrar turns away never need them. The typed properties are a snapshot
/// taken at construction: `serialize()` writes `headers`, so change those to change the wire.
public struct SIPRequest: Hashable, Sendable {
    /// The request-line method.
    public var method: SIPMethod
    /// The Request-URI.
    public var uri: SIPURI
    /// The protocol version, always "SIP/2.0".
    public var version: String
    /// All header lines in wire order.
    public var headers: SIPHeaders
    /// The body (exactly Content-Length octets).
    public var body: [UInt8]
    /// The Via values, top first; never empty.
    public var via: [Via]
    /// The From header.
    public var from: NameAddress
    /// The To header.
    public var to: NameAddress
    /// The Call-ID.
    public var callID: String
    /// The CSeq; its method equals `method`.
    public var cseq: CSeq
    /// Max-Forwards (0...255), nil when absent (RFC 2543 clients omit it).
    public var maxForwards: Int?

    /// Creates a request, parsing and checking the mandatory headers in `headers`.
    public init(
        method: SIPMethod, uri: SIPURI, headers: SIPHeaders, body: [UInt8] = []
    ) throws(SIPParseError) {
        self.init(method: method, uri: uri, headers: headers, body: body, core: try Self.validate(method: method, headers: headers))
    }

    /// The checked mandatory headers.
    struct Core {
        var via: [Via]
        var from: NameAddress
        var to: NameAddress
        var callID: String
        var cseq: CSeq
        var maxForwards: Int?
    }

    /// Checks presence, uniqueness and syntax of the mandatory headers (RFC 3261 §8.1.1) and
    /// that the CSeq method equals `method` (when given; responses pass nil).
    static func validate(method: SIPMethod?, headers: SIPHeaders) throws(SIPParseError) -> Core {
        var viaLines = 0
        var from: String?
        var to: String?
        var callID: String?
        var cseq: String?
        var maxForwards: String?
        func once(_ slot: inout String?, _ field: SIPHeaderField) throws(SIPParseError) {
            guard slot == nil else {
                throw SIPParseError(.duplicateHeader, header: field.name, detail: "\(field.name) may appear only once")
            }
            slot = field.value
        }
        var contentLength: String?
        // By length first: comparing two different Strings is a library call, comparing two
        // lengths is not (stored names of known headers are their canonical ASCII spelling).
        for field in headers.fields {
            let name = field.name
            switch name.utf8.count {
            case 3 where name == "Via": viaLines += 1
            case 4 where name == "From": try once(&from, field)
            case 2 where name == "To": try once(&to, field)
            case 7 where name == "Call-ID": try once(&callID, field)
            case 4 where name == "CSeq": try once(&cseq, field)
            case 12 where name == "Max-Forwards": try once(&maxForwards, field)
            case 14 where name == "Content-Length": try once(&contentLength, field)
            default: continue
            }
        }
        guard viaLines > 0 else { throw SIPParseError(.missingHeader, header: "Via", detail: "Via header is missing") }
        guard let from else { throw SIPParseError(.missingHeader, header: "From", detail: "From header is missing") }
        guard let to else { throw SIPParseError(.missingHeader, header: "To", detail: "To header is missing") }
        guard let callID else { throw SIPParseError(.missingHeader, header: "Call-ID", detail: "Call-ID header is missing") }
        guard let cseq else { throw SIPParseError(.missingHeader, header: "CSeq", detail: "CSeq header is missing") }

        var vias: [Via] = []
        vias.reserveCapacity(viaLines)
        for field in headers.fields where field.name.utf8.count == 3 && field.name == "Via" {
            // Parse each element straight from the line's bytes: no per-element strings.
            try SIPGrammar.withBytes(field.value) { (buf) throws(SIPParseError) in
                for element in SIPGrammar.splitList(buf, 0..<buf.count) {
                    guard !element.isEmpty else {
                        throw SIPParseError(.malformedHeader, header: "Via", detail: "empty Via element (stray comma)")
                    }
                    vias.append(try Via.parse(buf, element))
                }
            }
        }
        let fromAddress = try parseAddress(from, header: "From")
        let toAddress = try parseAddress(to, header: "To")
        guard !callID.isEmpty else { throw SIPParseError(.malformedHeader, header: "Call-ID", detail: "Call-ID is empty") }
        // RFC 3261 word ["@" word]: visible ASCII only. Non-ASCII would be repaired on decoding,
        // and two different Call-IDs must never compare equal.
        for b in callID.utf8 where b <= 0x20 || b >= 0x7F {
            throw SIPParseError(.malformedHeader, header: "Call-ID", detail: "Call-ID contains whitespace or non-ASCII")
        }
        let parsedCSeq = try CSeq.parse(Substring(cseq))
        if let method, parsedCSeq.method != method {
            throw SIPParseError(
                .cseqMethodMismatch, header: "CSeq",
                detail: "CSeq method \(parsedCSeq.method) differs from request method \(method)"
            )
        }
        var hops: Int?
        if let maxForwards {
            hops = try SIPGrammar.withBytes(maxForwards) { (buf) throws(SIPParseError) -> Int in
                guard SIPGrammar.isDigits(buf, 0..<buf.count) else {
                    throw SIPParseError(.malformedHeader, header: "Max-Forwards", detail: "Max-Forwards must be a number")
                }
                guard let value = SIPGrammar.parseDecimal(buf, 0..<buf.count, limit: 255) else {
                    throw SIPParseError(.valueOutOfRange, header: "Max-Forwards", detail: "Max-Forwards exceeds 255")
                }
                return Int(value)
            }
        }
        return Core(via: vias, from: fromAddress, to: toAddress, callID: callID, cseq: parsedCSeq, maxForwards: hops)
    }

    private static func parseAddress(_ value: String, header: String) throws(SIPParseError) -> NameAddress {
        try SIPGrammar.withBytes(value) { (buf) throws(SIPParseError) -> NameAddress in
            try NameAddress.parse(buf, 0..<buf.count, header: header)
        }
    }

    /// Creates a request from already-checked parts (the parser's path).
    init(method: SIPMethod, uri: SIPURI, headers: SIPHeaders, body: [UInt8], core: Core) {
        self.method = method
        self.uri = uri
        self.version = "SIP/2.0"
        self.headers = headers
        self.body = body
        self.via = core.via
        self.from = core.from
        self.to = core.to
        self.callID = core.callID
        self.cseq = core.cseq
        self.maxForwards = core.maxForwards
    }

    /// The Contact headers: `.wildcard` for a lone `*`, else the addresses in order
    /// (`.addresses([])` when there is none). A `*` next to other contacts, an empty list
    /// element or a malformed address is an error.
    public func contacts() throws(SIPParseError) -> ContactList {
        // Straight from each line's bytes: no string per element. A first pass counts the
        // elements ("*" must be the only one), the second parses them in order, so the error
        // reported is the one the first faulty element gives.
        let lines = headers.lines("Contact")
        if lines.isEmpty { return .addresses([]) }
        var total = 0
        if lines.count == 1 {
            total = -1  // one line: counted by the pass below, which splits it anyway
        } else {
            for line in lines {
                total += try SIPGrammar.withBytes(line) { buf in SIPGrammar.splitList(buf, 0..<buf.count).count }
            }
        }
        var addresses: [NameAddress] = []
        if total > 0 { addresses.reserveCapacity(total) }
        var wildcard: SIPParameters?
        for line in lines {
            try SIPGrammar.withBytes(line) { (buf) throws(SIPParseError) in
                let elements = SIPGrammar.splitList(buf, 0..<buf.count)
                if total < 0 {
                    total = elements.count
                    addresses.reserveCapacity(total)
                }
                for element in elements {
                    guard !element.isEmpty else {
                        throw SIPParseError(.malformedHeader, header: "Contact", detail: "empty Contact element (stray comma)")
                    }
                    if buf[element.lowerBound] == UInt8(ascii: "*") {
                        guard total == 1 else {
                            throw SIPParseError(.malformedHeader, header: "Contact", detail: "'*' must be the only Contact")
                        }
                        wildcard = try SIPGrammar.parseHeaderParameters(buf, element.lowerBound + 1, element.upperBound, header: "Contact")
                        return
                    }
                    addresses.append(try NameAddress.parse(buf, element, header: "Contact"))
                }
            }
            if let wildcard { return .wildcard(parameters: wildcard) }
        }
        return .addresses(addresses)
    }

    /// The Expires header in seconds, nil when absent. Non-numeric, above 2^32-1, or present
    /// more than once is an error (RFC 4475 scalar02).
    public func expires() throws(SIPParseError) -> UInt32? {
        let lines = headers.lines("Expires")
        guard let value = lines.first else { return nil }
        guard lines.count == 1 else {
            throw SIPParseError(.duplicateHeader, header: "Expires", detail: "Expires may appear only once")
        }
        return try SIPGrammar.withBytes(value) { (buf) throws(SIPParseError) -> UInt32 in
            guard SIPGrammar.isDigits(buf, 0..<buf.count) else {
                throw SIPParseError(.malformedHeader, header: "Expires", detail: "Expires must be delta-seconds")
            }
            guard let number = SIPGrammar.parseDecimal(buf, 0..<buf.count, limit: UInt64(UInt32.max)) else {
                throw SIPParseError(.valueOutOfRange, header: "Expires", detail: "Expires exceeds 2^32-1")
            }
            return UInt32(number)
        }
    }

    /// The Digest credentials of every Authorization header, in order; other schemes are
    /// skipped. A Digest header with unusable parameters is an error.
    public func digestCredentials() throws(SIPParseError) -> [DigestCredentials] {
        var out: [DigestCredentials] = []
        for value in headers.lines("Authorization") {
            if let credentials = try DigestCredentials.parse(headerValue: Substring(value)) {
                out.append(credentials)
            }
        }
        return out
    }

    /// The User-Agent header.
    public var userAgent: String? { headers.first("User-Agent") }

    /// The option tags of every Require header.
    public func requireTags() -> [String] { headers.values("Require") }

    /// The option tags of every Proxy-Require header.
    public func proxyRequireTags() -> [String] { headers.values("Proxy-Require") }

    /// The request on the wire: CRLF line ends, headers in the order of `headers` with
    /// Content-Length recomputed (added last when absent), then the body. Control characters
    /// in values are written as spaces.
    public func serialize() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(SIPSerializer.estimatedSize(headers, body: body))
        SIPSerializer.appendSanitized(method.rawValue, to: &out)
        out.append(SIPGrammar.space)
        SIPSerializer.appendSanitized(uri.description, to: &out)
        out.append(contentsOf: " SIP/2.0\r\n".utf8)
        SIPSerializer.appendHeadersAndBody(headers, body: body, to: &out)
        return out
    }
}
