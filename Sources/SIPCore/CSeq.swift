/// The CSeq header: a sequence number and the request method (RFC 3261 §20.16).
public struct CSeq: Hashable, Sendable, CustomStringConvertible {
    /// The sequence number (must fit 32 bits).
    public var number: UInt32
    /// The method, which must equal the request line's.
    public var method: SIPMethod

    /// Creates a CSeq.
    public init(number: UInt32, method: SIPMethod) {
        self.number = number
        self.method = method
    }

    /// Parses `1*DIGIT LWS Method`; a number above 2^32-1 is `.valueOutOfRange`.
    public static func parse(_ text: Substring) throws(SIPParseError) -> CSeq {
        try SIPGrammar.withBytes(text) { (buf) throws(SIPParseError) -> CSeq in try parse(buf, 0..<buf.count) }
    }

    /// Parses `buf[range]` as `1*DIGIT LWS Method`.
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) -> CSeq {
        let end = range.upperBound
        var i = SIPGrammar.skipWhitespace(buf, range.lowerBound, end)
        var j = i
        while j < end, buf[j] >= UInt8(ascii: "0"), buf[j] <= UInt8(ascii: "9") { j += 1 }
        guard j > i else { throw SIPParseError(.malformedHeader, header: "CSeq", detail: "CSeq must start with a number") }
        guard let number = SIPGrammar.parseDecimal(buf, i..<j, limit: UInt64(UInt32.max)) else {
            throw SIPParseError(.valueOutOfRange, header: "CSeq", detail: "CSeq number exceeds 2^32-1")
        }
        i = SIPGrammar.skipWhitespace(buf, j, end)
        guard i > j else { throw SIPParseError(.malformedHeader, header: "CSeq", detail: "CSeq needs whitespace between number and method") }
        let methodEnd = SIPGrammar.scanToken(buf, i, end)
        guard methodEnd > i, SIPGrammar.skipWhitespace(buf, methodEnd, end) == end else {
            throw SIPParseError(.malformedHeader, header: "CSeq", detail: "CSeq method must be a token")
        }
        return CSeq(number: UInt32(number), method: SIPMethod(SIPGrammar.string(buf, i..<methodEnd)))
    }

    /// `number METHOD`.
    public var description: String { String(number) + " " + method.rawValue }
}
