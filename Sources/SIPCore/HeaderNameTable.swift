/// Canonical spellings of the header names SIP knows, and their compact forms (RFC 3261
/// §7.3.3 and the registry), looked up case-insensitively straight from wire bytes.
enum HeaderNameTable {
    /// Long forms with their compact letters.
    private static let known: [(name: String, compact: Character?)] = [
        ("Accept", nil), ("Accept-Contact", "a"), ("Accept-Encoding", nil), ("Accept-Language", nil),
        ("Alert-Info", nil), ("Allow", nil), ("Allow-Events", "u"), ("Authentication-Info", nil),
        ("Authorization", nil), ("Call-ID", "i"), ("Call-Info", nil), ("Contact", "m"),
        ("Content-Disposition", nil), ("Content-Encoding", "e"), ("Content-Language", nil),
        ("Content-Length", "l"), ("Content-Type", "c"), ("CSeq", nil), ("Date", nil),
        ("Error-Info", nil), ("Event", "o"), ("Expires", nil), ("Flow-Timer", nil), ("From", "f"),
        ("Identity", "y"), ("Identity-Info", "n"), ("In-Reply-To", nil), ("Max-Forwards", nil),
        ("MIME-Version", nil), ("Min-Expires", nil), ("Min-SE", nil), ("Organization", nil),
        ("P-Asserted-Identity", nil), ("P-Preferred-Identity", nil), ("Path", nil), ("Priority", nil),
        ("Proxy-Authenticate", nil), ("Proxy-Authorization", nil), ("Proxy-Require", nil), ("RAck", nil),
        ("Reason", nil), ("Record-Route", nil), ("Refer-To", "r"), ("Referred-By", "b"),
        ("Reject-Contact", "j"), ("Reply-To", nil), ("Request-Disposition", "d"), ("Require", nil),
        ("Retry-After", nil), ("Route", nil), ("RSeq", nil), ("Server", nil), ("Service-Route", nil),
        ("Session-Expires", "x"), ("Subject", "s"), ("Subscription-State", nil), ("Supported", "k"),
        ("Timestamp", nil), ("To", "t"), ("Unsupported", nil), ("User-Agent", nil), ("Via", "v"),
        ("Warning", nil), ("WWW-Authenticate", nil),
    ]

    private struct Entry: Sendable {
        let lower: [UInt8]
        let canonical: String
    }

    /// Entries bucketed by name length, so a lookup compares only same-length names.
    private static let byLength: [[Entry]] = {
        let maxLength = known.map { $0.name.utf8.count }.max() ?? 0
        var buckets = [[Entry]](repeating: [], count: maxLength + 1)
        for (name, _) in known {
            buckets[name.utf8.count].append(Entry(lower: name.utf8.map(SIPGrammar.lower), canonical: name))
        }
        return buckets
    }()

    /// Canonical names indexed by compact letter ("a" ... "z").
    private static let compact: [String?] = {
        var table = [String?](repeating: nil, count: 26)
        for (name, letter) in known {
            if let letter, let ascii = letter.asciiValue {
                table[Int(ascii - UInt8(ascii: "a"))] = name
            }
        }
        return table
    }()

    /// The canonical spelling of the header named by `buf[range]`, or nil when unknown.
    static func canonical(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let length = range.count
        if length == 1 {
            let b = SIPGrammar.lower(buf[range.lowerBound])
            guard b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") else { return nil }
            return compact[Int(b - UInt8(ascii: "a"))]
        }
        guard length > 1 else { return nil }
        return long(buf, range.lowerBound, length)
    }

    /// What `canonical(_:_:)` answers, found by searching `known` (bucketed by length) instead
    /// of the generated `switch`: the reference the tests hold the switch to.
    static func canonicalByTable(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let length = range.count
        if length == 1 {
            let b = SIPGrammar.lower(buf[range.lowerBound])
            guard b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") else { return nil }
            return compact[Int(b - UInt8(ascii: "a"))]
        }
        guard length > 1, length < byLength.count else { return nil }
        let start = range.lowerBound
        outer: for entry in byLength[length] {
            for k in 0..<length where SIPGrammar.lower(buf[start + k]) != entry.lower[k] { continue outer }
            return entry.canonical
        }
        return nil
    }

    /// Every known long form (for the tests).
    static var knownNames: [String] { known.map(\.name) }

    /// `canonical(_:_:)` for names of two or more bytes, as one `switch` on the length and the
    /// first letter (generated from `known`; `testFastTableMatchesTheList` checks they agree).
    @inline(__always)
    private static func long(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ n: Int) -> String? {
        @inline(__always) func rest(_ lower: StaticString) -> Bool {
            // `lower` is the whole name in lower case; its first byte already matched.
            let p = lower.utf8Start
            for k in 1..<n where SIPGrammar.lower(buf[s + k]) != p[k] { return false }
            return true
        }
        switch (n, SIPGrammar.lower(buf[s])) {
        case (2, UInt8(ascii: "t")):
            if rest("to") { return "To" }
            return nil
        case (3, UInt8(ascii: "v")):
            if rest("via") { return "Via" }
            return nil
        case (4, UInt8(ascii: "c")):
            if rest("cseq") { return "CSeq" }
            return nil
        case (4, UInt8(ascii: "d")):
            if rest("date") { return "Date" }
            return nil
        case (4, UInt8(ascii: "f")):
            if rest("from") { return "From" }
            return nil
        case (4, UInt8(ascii: "p")):
            if rest("path") { return "Path" }
            return nil
        case (4, UInt8(ascii: "r")):
            if rest("rack") { return "RAck" }
            if rest("rseq") { return "RSeq" }
            return nil
        case (5, UInt8(ascii: "a")):
            if rest("allow") { return "Allow" }
            return nil
        case (5, UInt8(ascii: "e")):
            if rest("event") { return "Event" }
            return nil
        case (5, UInt8(ascii: "r")):
            if rest("route") { return "Route" }
            return nil
        case (6, UInt8(ascii: "a")):
            if rest("accept") { return "Accept" }
            return nil
        case (6, UInt8(ascii: "m")):
            if rest("min-se") { return "Min-SE" }
            return nil
        case (6, UInt8(ascii: "r")):
            if rest("reason") { return "Reason" }
            return nil
        case (6, UInt8(ascii: "s")):
            if rest("server") { return "Server" }
            return nil
        case (7, UInt8(ascii: "c")):
            if rest("call-id") { return "Call-ID" }
            if rest("contact") { return "Contact" }
            return nil
        case (7, UInt8(ascii: "e")):
            if rest("expires") { return "Expires" }
            return nil
        case (7, UInt8(ascii: "r")):
            if rest("require") { return "Require" }
            return nil
        case (7, UInt8(ascii: "s")):
            if rest("subject") { return "Subject" }
            return nil
        case (7, UInt8(ascii: "w")):
            if rest("warning") { return "Warning" }
            return nil
        case (8, UInt8(ascii: "i")):
            if rest("identity") { return "Identity" }
            return nil
        case (8, UInt8(ascii: "p")):
            if rest("priority") { return "Priority" }
            return nil
        case (8, UInt8(ascii: "r")):
            if rest("refer-to") { return "Refer-To" }
            if rest("reply-to") { return "Reply-To" }
            return nil
        case (9, UInt8(ascii: "c")):
            if rest("call-info") { return "Call-Info" }
            return nil
        case (9, UInt8(ascii: "s")):
            if rest("supported") { return "Supported" }
            return nil
        case (9, UInt8(ascii: "t")):
            if rest("timestamp") { return "Timestamp" }
            return nil
        case (10, UInt8(ascii: "a")):
            if rest("alert-info") { return "Alert-Info" }
            return nil
        case (10, UInt8(ascii: "e")):
            if rest("error-info") { return "Error-Info" }
            return nil
        case (10, UInt8(ascii: "f")):
            if rest("flow-timer") { return "Flow-Timer" }
            return nil
        case (10, UInt8(ascii: "u")):
            if rest("user-agent") { return "User-Agent" }
            return nil
        case (11, UInt8(ascii: "i")):
            if rest("in-reply-to") { return "In-Reply-To" }
            return nil
        case (11, UInt8(ascii: "m")):
            if rest("min-expires") { return "Min-Expires" }
            return nil
        case (11, UInt8(ascii: "r")):
            if rest("referred-by") { return "Referred-By" }
            if rest("retry-after") { return "Retry-After" }
            return nil
        case (11, UInt8(ascii: "u")):
            if rest("unsupported") { return "Unsupported" }
            return nil
        case (12, UInt8(ascii: "a")):
            if rest("allow-events") { return "Allow-Events" }
            return nil
        case (12, UInt8(ascii: "c")):
            if rest("content-type") { return "Content-Type" }
            return nil
        case (12, UInt8(ascii: "m")):
            if rest("max-forwards") { return "Max-Forwards" }
            if rest("mime-version") { return "MIME-Version" }
            return nil
        case (12, UInt8(ascii: "o")):
            if rest("organization") { return "Organization" }
            return nil
        case (12, UInt8(ascii: "r")):
            if rest("record-route") { return "Record-Route" }
            return nil
        case (13, UInt8(ascii: "a")):
            if rest("authorization") { return "Authorization" }
            return nil
        case (13, UInt8(ascii: "i")):
            if rest("identity-info") { return "Identity-Info" }
            return nil
        case (13, UInt8(ascii: "p")):
            if rest("proxy-require") { return "Proxy-Require" }
            return nil
        case (13, UInt8(ascii: "s")):
            if rest("service-route") { return "Service-Route" }
            return nil
        case (14, UInt8(ascii: "a")):
            if rest("accept-contact") { return "Accept-Contact" }
            return nil
        case (14, UInt8(ascii: "c")):
            if rest("content-length") { return "Content-Length" }
            return nil
        case (14, UInt8(ascii: "r")):
            if rest("reject-contact") { return "Reject-Contact" }
            return nil
        case (15, UInt8(ascii: "a")):
            if rest("accept-encoding") { return "Accept-Encoding" }
            if rest("accept-language") { return "Accept-Language" }
            return nil
        case (15, UInt8(ascii: "s")):
            if rest("session-expires") { return "Session-Expires" }
            return nil
        case (16, UInt8(ascii: "c")):
            if rest("content-encoding") { return "Content-Encoding" }
            if rest("content-language") { return "Content-Language" }
            return nil
        case (16, UInt8(ascii: "w")):
            if rest("www-authenticate") { return "WWW-Authenticate" }
            return nil
        case (18, UInt8(ascii: "p")):
            if rest("proxy-authenticate") { return "Proxy-Authenticate" }
            return nil
        case (18, UInt8(ascii: "s")):
            if rest("subscription-state") { return "Subscription-State" }
            return nil
        case (19, UInt8(ascii: "a")):
            if rest("authentication-info") { return "Authentication-Info" }
            return nil
        case (19, UInt8(ascii: "c")):
            if rest("content-disposition") { return "Content-Disposition" }
            return nil
        case (19, UInt8(ascii: "p")):
            if rest("p-asserted-identity") { return "P-Asserted-Identity" }
            if rest("proxy-authorization") { return "Proxy-Authorization" }
            return nil
        case (19, UInt8(ascii: "r")):
            if rest("request-disposition") { return "Request-Disposition" }
            return nil
        case (20, UInt8(ascii: "p")):
            if rest("p-preferred-identity") { return "P-Preferred-Identity" }
            return nil
        default: return nil
        }
    }

    /// The canonical spelling of `name`, or nil when unknown.
    static func canonical(_ name: String) -> String? {
        var name = name
        return name.withUTF8 { canonical($0, 0..<$0.count) }
    }

    /// Headers whose values are comma-separated lists (RFC 3261 §7.3.1): `values` splits them.
    static let listValued: Set<String> = [
        "Via", "Contact", "Route", "Record-Route", "Allow", "Supported", "Require", "Proxy-Require",
        "Unsupported", "Accept", "Accept-Encoding", "Accept-Language", "Allow-Events", "Path",
        "In-Reply-To", "Content-Encoding", "Content-Language", "Warning", "Error-Info", "Alert-Info",
        "Call-Info", "Service-Route", "Accept-Contact", "Reject-Contact",
        "P-Asserted-Identity", "P-Preferred-Identity",
    ]
}
