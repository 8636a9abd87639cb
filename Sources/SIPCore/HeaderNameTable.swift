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
        guard length < byLength.count else { return nil }
        let start = range.lowerBound
        let first = SIPGrammar.lower(buf[start])
        let last = SIPGrammar.lower(buf[start + length - 1])
        return byLength[length].withUnsafeBufferPointer { bucket -> String? in
            outer: for entry in bucket {
                // Most candidates of a length differ in the first or last letter.
                guard entry.lower[0] == first, entry.lower[length - 1] == last else { continue }
                for k in 1..<(length - 1) where SIPGrammar.lower(buf[start + k]) != entry.lower[k] {
                    continue outer
                }
                return entry.canonical
            }
            return nil
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
