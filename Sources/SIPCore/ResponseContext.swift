/// The header values of a broken request that are enough to address a reply to it
/// (RFC 3261 §8.2.6.2: Via, From, To, Call-ID and CSeq are copied into a response).
///
/// Values are kept exactly as received (after unfolding), so a 400 or 505 reaches the sender
/// even when the request could not be understood.
public struct ResponseContext: Hashable, Sendable {
    /// Every Via header value, top first, as received.
    public var via: [String]
    /// The From header value as received.
    public var from: String
    /// The To header value as received.
    public var to: String
    /// The Call-ID header value as received.
    public var callID: String
    /// The CSeq header value as received.
    public var cseq: String

    /// Creates a context from raw header values.
    public init(via: [String], from: String, to: String, callID: String, cseq: String) {
        self.via = via
        self.from = from
        self.to = to
        self.callID = callID
        self.cseq = cseq
    }

    /// A minimal stateless reply: status line, the copied Via/From/To/Call-ID/CSeq, an optional
    /// To tag, and `Content-Length: 0`.
    ///
    /// Control characters (CR, LF, NUL, ...) in any value are written as spaces, so a hostile
    /// value can never start a header or a message of its own.
    public func response(statusCode: Int, reasonPhrase: String?, toTag: String? = nil) -> [UInt8] {
        let code = (100...699).contains(statusCode) ? statusCode : 400
        let reason = reasonPhrase ?? SIPResponse.defaultReasonPhrase(for: code)
        var out: [UInt8] = []
        out.reserveCapacity(256 + via.reduce(0) { $0 + $1.utf8.count })
        out.append(contentsOf: "SIP/2.0 \(code) ".utf8)
        SIPSerializer.appendSanitized(reason, to: &out)
        out.append(contentsOf: SIPSerializer.crlf)
        for value in via { SIPSerializer.appendHeader("Via", value, to: &out) }
        SIPSerializer.appendHeader("From", from, to: &out)
        var toValue = to
        if let toTag, !SIPSerializer.hasTagParameter(to) { toValue += ";tag=" + toTag }
        SIPSerializer.appendHeader("To", toValue, to: &out)
        SIPSerializer.appendHeader("Call-ID", callID, to: &out)
        SIPSerializer.appendHeader("CSeq", cseq, to: &out)
        out.append(contentsOf: "Content-Length: 0\r\n\r\n".utf8)
        return out
    }
}
