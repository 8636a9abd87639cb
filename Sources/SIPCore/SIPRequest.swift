/// A SIP request whose mandatory headers have been checked.
///
/// Via, From, To, Call-ID, CSeq and Max-Forwards are parsed and validated when the request
/// is made; Contact, Expires and Authorization are parsed only when asked for, because most
/// requests a registrar turns away never need them. The typed properties are a snapshot
/// taken at construction: `serialize()` writes `headers`, so change those to change the wire.
public struct SIPRequest: Hashable, Sendable {
    /// The request's fields, in one box: a request is handed from the parser to the registrar,
    /// its context, the review and the events, and a copy is then one reference count instead
    /// of one per string and array inside (about 25 each; callgrind showed 10 copies per
    /// registration).
    @usableFromInline
    struct Fields: Hashable, Sendable {
        @usableFromInline var method: SIPMethod
        @usableFromInline var uri: SIPURI
        @usableFromInline var version: String
        @usableFromInline var headers: SIPHeaders
        @usableFromInline var body: [UInt8]
        @usableFromInline var via: [Via]
        @usableFromInline var from: NameAddress
        @usableFromInline var to: NameAddress
        @usableFromInline var callID: String
        @usableFromInline var cseq: CSeq
        @usableFromInline var maxForwards: Int?
        @usableFromInline var userAgent: String?
    }

    /// Immutable, so reading a field needs no exclusivity check; a change of the headers or the
    /// body (rare: tests and the trunk client's retries) builds a new box. The typed fields are
    /// read-only: they are the headers as parsed.
    @usableFromInline
    final class Storage: Sendable {
        @usableFromInline let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var storage: Storage

    private mutating func change(_ body: (inout Fields) -> Void) {
        var fields = storage.fields
        body(&fields)
        storage = Storage(fields)
    }

    public static func == (lhs: SIPRequest, rhs: SIPRequest) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }

    /// The request-line method.
    public var method: SIPMethod {
        @inlinable _read { yield storage.fields.method }
    }
    /// The Request-URI.
    public var uri: SIPURI {
        @inlinable _read { yield storage.fields.uri }
    }
    /// The protocol version, always "SIP/2.0".
    public var version: String {
        @inlinable _read { yield storage.fields.version }
    }
    /// All header lines in wire order.
    public var headers: SIPHeaders {
        @inlinable _read { yield storage.fields.headers }
        set { change { $0.headers = newValue } }
    }
    /// The body (exactly Content-Length octets).
    public var body: [UInt8] {
        @inlinable _read { yield storage.fields.body }
        set { change { $0.body = newValue } }
    }
    /// The Via values, top first; never empty.
    public var via: [Via] {
        @inlinable _read { yield storage.fields.via }
    }
    /// The From header.
    public var from: NameAddress {
        @inlinable _read { yield storage.fields.from }
    }
    /// The To header.
    public var to: NameAddress {
        @inlinable _read { yield storage.fields.to }
    }
    /// The Call-ID.
    public var callID: String {
        @inlinable _read { yield storage.fields.callID }
    }
    /// The CSeq; its method equals `method`.
    public var cseq: CSeq {
        @inlinable _read { yield storage.fields.cseq }
    }
    /// Max-Forwards (0...255), nil when absent (RFC 2543 clients omit it).
    public var maxForwards: Int? {
        @inlinable _read { yield storage.fields.maxForwards }
    }

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
        // Straight from the header buffer's bytes: no String per header, only for the values
        // kept (the Call-ID, the parts of the addresses).
        try headers.withBytes { (buf) throws(SIPParseError) -> Core in
            var viaLines = 0
            var from: Range<Int>?
            var to: Range<Int>?
            var callID: Range<Int>?
            var cseq: Range<Int>?
            var maxForwards: Range<Int>?
            var contentLength: Range<Int>?
            func once(_ slot: inout Range<Int>?, _ entry: SIPHeaders.Entry) throws(SIPParseError) {
                guard slot == nil else {
                    throw SIPParseError(.duplicateHeader, header: entry.name, detail: "\(entry.name) may appear only once")
                }
                slot = entry.range
            }
            // By length first: comparing two different Strings is a library call, comparing two
            // lengths is not (stored names of known headers are their canonical ASCII spelling).
            for entry in headers.entries {
                let name = entry.name
                switch name.utf8.count {
                case 3 where name == "Via": viaLines += 1
                case 4 where name == "From": try once(&from, entry)
                case 2 where name == "To": try once(&to, entry)
                case 7 where name == "Call-ID": try once(&callID, entry)
                case 4 where name == "CSeq": try once(&cseq, entry)
                case 12 where name == "Max-Forwards": try once(&maxForwards, entry)
                case 14 where name == "Content-Length": try once(&contentLength, entry)
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
            for entry in headers.entries where entry.name.utf8.count == 3 && entry.name == "Via" {
                for element in SIPGrammar.splitList(buf, entry.range) {
                    guard !element.isEmpty else {
                        throw SIPParseError(.malformedHeader, header: "Via", detail: "empty Via element (stray comma)")
                    }
                    vias.append(try Via.parse(buf, element))
                }
            }
            let fromAddress = try NameAddress.parse(buf, from, header: "From")
            let toAddress = try NameAddress.parse(buf, to, header: "To")
            guard !callID.isEmpty else { throw SIPParseError(.malformedHeader, header: "Call-ID", detail: "Call-ID is empty") }
            // RFC 3261 word ["@" word]: visible ASCII only. Non-ASCII would be repaired on decoding,
            // and two different Call-IDs must never compare equal.
            for i in callID where buf[i] <= 0x20 || buf[i] >= 0x7F {
                throw SIPParseError(.malformedHeader, header: "Call-ID", detail: "Call-ID contains whitespace or non-ASCII")
            }
            let parsedCSeq = try CSeq.parse(buf, cseq)
            if let method, parsedCSeq.method != method {
                throw SIPParseError(
                    .cseqMethodMismatch, header: "CSeq",
                    detail: "CSeq method \(parsedCSeq.method) differs from request method \(method)"
                )
            }
            var hops: Int?
            if let maxForwards {
                guard SIPGrammar.isDigits(buf, maxForwards) else {
                    throw SIPParseError(.malformedHeader, header: "Max-Forwards", detail: "Max-Forwards must be a number")
                }
                guard let value = SIPGrammar.parseDecimal(buf, maxForwards, limit: 255) else {
                    throw SIPParseError(.valueOutOfRange, header: "Max-Forwards", detail: "Max-Forwards exceeds 255")
                }
                hops = Int(value)
            }
            return Core(via: vias, from: fromAddress, to: toAddress, callID: SIPGrammar.string(buf, callID),
                        cseq: parsedCSeq, maxForwards: hops)
        }
    }

    /// Creates a request from already-checked parts (the parser's path).
    init(method: SIPMethod, uri: SIPURI, headers: SIPHeaders, body: [UInt8], core: Core) {
        storage = Storage(Fields(
            method: method, uri: uri, version: "SIP/2.0", headers: headers, body: body, via: core.via, from: core.from,
            to: core.to, callID: core.callID, cseq: core.cseq, maxForwards: core.maxForwards,
            userAgent: headers.first("User-Agent")))
    }

    /// The Contact headers: `.wildcard` for a lone `*`, else the addresses in order
    /// (`.addresses([])` when there is none). A `*` next to other contacts, an empty list
    /// element or a malformed address is an error.
    public func contacts() throws(SIPParseError) -> ContactList {
        // Straight from the header buffer: no string per line or element. A first pass counts
        // the elements ("*" must be the only one), the second parses them in order, so the
        // error reported is the one the first faulty element gives.
        let key = SIPHeaders.lookupName("Contact")
        let lines = headers.entries.filter { $0.name.utf8.count == 7 && $0.name == key.name }
        if lines.isEmpty { return .addresses([]) }
        return try headers.withBytes { (buf) throws(SIPParseError) -> ContactList in
            var total = 0
            if lines.count == 1 {
                total = -1  // one line: counted by the pass below, which splits it anyway
            } else {
                for line in lines { total += SIPGrammar.splitList(buf, line.range).count }
            }
            var addresses: [NameAddress] = []
            if total > 0 { addresses.reserveCapacity(total) }
            for line in lines {
                let elements = SIPGrammar.splitList(buf, line.range)
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
                        return .wildcard(parameters: try SIPGrammar.parseHeaderParameters(
                            buf, element.lowerBound + 1, element.upperBound, header: "Contact"))
                    }
                    addresses.append(try NameAddress.parse(buf, element, header: "Contact"))
                }
            }
            return .addresses(addresses)
        }
    }

    /// The Expires header in seconds, nil when absent. Non-numeric, above 2^32-1, or present
    /// more than once is an error (RFC 4475 scalar02).
    public func expires() throws(SIPParseError) -> UInt32? {
        let key = SIPHeaders.lookupName("Expires")
        var found: Range<Int>?
        for entry in headers.entries where entry.name.utf8.count == 7 && entry.name == key.name {
            guard found == nil else {
                throw SIPParseError(.duplicateHeader, header: "Expires", detail: "Expires may appear only once")
            }
            found = entry.range
        }
        guard let range = found else { return nil }
        return try headers.withBytes { (buf) throws(SIPParseError) -> UInt32 in
            guard SIPGrammar.isDigits(buf, range) else {
                throw SIPParseError(.malformedHeader, header: "Expires", detail: "Expires must be delta-seconds")
            }
            guard let number = SIPGrammar.parseDecimal(buf, range, limit: UInt64(UInt32.max)) else {
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

    /// The first User-Agent header (a snapshot taken at construction, like the typed
    /// properties above: one `String`, however often the registrar and the events read it).
    public var userAgent: String? {
        @inlinable _read { yield storage.fields.userAgent }
    }

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
