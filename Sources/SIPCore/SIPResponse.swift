/// A SIP response.
public struct SIPResponse: Hashable, Sendable {
    /// The status code (100...699).
    public var statusCode: Int
    /// The reason phrase (may be empty; any UTF-8).
    public var reasonPhrase: String
    /// All header lines in wire order.
    public var headers: SIPHeaders
    /// The body.
    public var body: [UInt8]

    /// Creates a response; without a reason phrase, the RFC 3261 §21 one for the code.
    public init(statusCode: Int, reasonPhrase: String? = nil, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.statusCode = statusCode
        self.reasonPhrase = reasonPhrase ?? Self.defaultReasonPhrase(for: statusCode)
        self.headers = headers
        self.body = body
    }

    /// A response to `request` (RFC 3261 §8.2.6.2): every Via line in order as received,
    /// From, To (with `;tag=toTag` added when the To has no tag), Call-ID and CSeq copied.
    public static func reply(to request: SIPRequest, statusCode: Int, reasonPhrase: String? = nil, toTag: String?) -> SIPResponse {
        var headers = SIPHeaders()
        headers.reserveCapacity(request.via.count + 8)
        let source = request.headers
        headers.reserveByteCapacity(384)
        source.bytes.withUnsafeBufferPointer { buf in
            for entry in source.entries where entry.name.utf8.count == 3 && entry.name == "Via" {
                headers.appendCanonical("Via", buf, entry.range)
            }
        }
        // Echoed as their bytes arrived; the parsed forms only for requests built without them.
        if !headers.add("From", copyingFirst: "From", of: source) { headers.appendCanonical("From", request.from.description) }
        let suffix = toTag.map { request.to.tag == nil ? ";tag=" + $0 : "" } ?? ""
        if !headers.add("To", copyingFirst: "To", of: source, appending: suffix) {
            headers.appendCanonical("To", request.to.description + suffix)
        }
        headers.appendCanonical("Call-ID", request.callID)
        if !headers.add("CSeq", copyingFirst: "CSeq", of: source) { headers.appendCanonical("CSeq", request.cseq.description) }
        return SIPResponse(statusCode: statusCode, reasonPhrase: reasonPhrase, headers: headers)
    }

    /// The CSeq header, parsed; nil when absent or malformed.
    public var cseq: CSeq? {
        guard let value = headers.first("CSeq") else { return nil }
        return try? CSeq.parse(Substring(value))
    }

    /// The Call-ID header.
    public var callID: String? { headers.first("Call-ID") }

    /// The response on the wire: status line, headers, Content-Length (always written,
    /// recomputed, in place of an existing one), blank line, body. CRLF line ends; control
    /// characters in values become spaces; a status code outside 100...699 is written as 500.
    public func serialize() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(SIPSerializer.estimatedSize(headers, body: body))
        let code = (100...699).contains(statusCode) ? statusCode : 500
        out.append(contentsOf: "SIP/2.0 ".utf8)
        SIPHeaders.appendDecimal(Int64(code), to: &out)
        out.append(SIPGrammar.space)
        SIPSerializer.appendSanitized(reasonPhrase, to: &out)
        out.append(contentsOf: SIPSerializer.crlf)
        SIPSerializer.appendHeadersAndBody(headers, body: body, to: &out)
        return out
    }

    /// The reason phrase RFC 3261 §21 (and the extensions a registrar meets) gives `code`;
    /// for unknown codes, a generic phrase for its class.
    public static func defaultReasonPhrase(for code: Int) -> String {
        switch code {
        case 100: return "Trying"
        case 180: return "Ringing"
        case 181: return "Call Is Being Forwarded"
        case 182: return "Queued"
        case 183: return "Session Progress"
        case 199: return "Early Dialog Terminated"
        case 200: return "OK"
        case 202: return "Accepted"
        case 204: return "No Notification"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Moved Temporarily"
        case 305: return "Use Proxy"
        case 380: return "Alternative Service"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 412: return "Conditional Request Failed"
        case 413: return "Request Entity Too Large"
        case 414: return "Request-URI Too Long"
        case 415: return "Unsupported Media Type"
        case 416: return "Unsupported URI Scheme"
        case 417: return "Unknown Resource-Priority"
        case 420: return "Bad Extension"
        case 421: return "Extension Required"
        case 422: return "Session Interval Too Small"
        case 423: return "Interval Too Brief"
        case 428: return "Use Identity Header"
        case 429: return "Provide Referrer Identity"
        case 430: return "Flow Failed"
        case 433: return "Anonymity Disallowed"
        case 436: return "Bad Identity-Info"
        case 437: return "Unsupported Certificate"
        case 438: return "Invalid Identity Header"
        case 439: return "First Hop Lacks Outbound Support"
        case 440: return "Max-Breadth Exceeded"
        case 469: return "Bad Info Package"
        case 470: return "Consent Needed"
        case 480: return "Temporarily Unavailable"
        case 481: return "Call/Transaction Does Not Exist"
        case 482: return "Loop Detected"
        case 483: return "Too Many Hops"
        case 484: return "Address Incomplete"
        case 485: return "Ambiguous"
        case 486: return "Busy Here"
        case 487: return "Request Terminated"
        case 488: return "Not Acceptable Here"
        case 489: return "Bad Event"
        case 491: return "Request Pending"
        case 493: return "Undecipherable"
        case 494: return "Security Agreement Required"
        case 500: return "Server Internal Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Server Time-out"
        case 505: return "Version Not Supported"
        case 513: return "Message Too Large"
        case 580: return "Precondition Failure"
        case 600: return "Busy Everywhere"
        case 603: return "Decline"
        case 604: return "Does Not Exist Anywhere"
        case 606: return "Not Acceptable"
        case 607: return "Unwanted"
        default:
            switch code {
            case 100..<200: return "Provisional"
            case 200..<300: return "Success"
            case 300..<400: return "Redirection"
            case 400..<500: return "Client Error"
            case 500..<600: return "Server Error"
            default: return "Global Failure"
            }
        }
    }
}
