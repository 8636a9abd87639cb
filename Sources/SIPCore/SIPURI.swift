/// A URI as SIP carries it: a SIP/SIPS URI (RFC 3261 §19.1), a tel URI (RFC 3966, kept
/// simply as number + parameters), or any other absolute URI kept opaque (RFC 3261 §19.1.1
/// requires accepting unknown schemes; RFC 4475 §3.3.2).
///
/// Components are stored decoded (`%HH` undone exactly once) and re-encoded by `description`.
/// `==` compares the parsed parts as they are; `isEquivalent(to:)` and `comparisonKey` apply
/// the RFC 3261 §19.1.4 rules.
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    /// The scheme, lower-cased ("sip", "sips", "tel", ...).
    public var scheme: String
    /// The user part, decoded; may contain any character, NUL included. Nil when absent.
    /// For tel URIs, the telephone number.
    public var user: String?
    /// The password part, decoded. Nil when absent.
    public var password: String?
    /// The host, lower-cased; IPv6 references keep their brackets ("[2001:db8::1]").
    /// Empty for tel and opaque URIs.
    public var host: String
    /// The port, when one was written.
    public var port: UInt16?
    /// The URI parameters (`;transport=tcp;lr`), decoded.
    public var parameters: SIPParameters
    /// The `?name=value&...` headers, decoded.
    public var headers: [SIPURIHeader]
    /// For schemes other than sip, sips and tel: everything after "scheme:"; other fields empty.
    public var opaque: String?

    /// Creates a SIP URI from its parts.
    public init(
        scheme: String = "sip", user: String? = nil, password: String? = nil, host: String,
        port: UInt16? = nil, parameters: SIPParameters = SIPParameters(), headers: [SIPURIHeader] = []
    ) {
        self.init(normalizedScheme: SIPGrammar.lowercased(scheme), user: user, password: password, host: SIPGrammar.lowercased(host),
                  port: port, parameters: parameters, headers: headers)
    }

    /// Creates a SIP URI from parts already lower-cased where they must be (the parser's).
    init(normalizedScheme scheme: String, user: String?, password: String?, host: String, port: UInt16?,
         parameters: SIPParameters, headers: [SIPURIHeader]) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
        self.opaque = nil
    }

    /// Creates an opaque URI `scheme:content`.
    public init(scheme: String, opaque: String) {
        self.scheme = SIPGrammar.lowercased(scheme)
        self.user = nil
        self.password = nil
        self.host = ""
        self.port = nil
        self.parameters = SIPParameters()
        self.headers = []
        self.opaque = opaque
    }

    /// Whether the scheme is sip or sips.
    public var isSIP: Bool { scheme == "sip" || scheme == "sips" }

    /// Parses a URI. Unknown schemes give an opaque URI; whitespace, a missing scheme, a bad
    /// escape or a character outside a component's grammar give `.invalidURI`.
    public static func parse(_ text: Substring) throws(SIPParseError) -> SIPURI {
        try SIPGrammar.withBytes(text) { (buf) throws(SIPParseError) -> SIPURI in
            try parse(buf, 0..<buf.count)
        }
    }

    /// Parses a URI from a string.
    public static func parse(_ text: String) throws(SIPParseError) -> SIPURI {
        try parse(Substring(text))
    }

    /// Parses `buf[range]` as a URI.
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) -> SIPURI {
        let start = range.lowerBound
        let end = range.upperBound
        guard start < end else { throw SIPParseError(.invalidURI, detail: "empty URI") }
        guard Self.isLetter(buf[start]) else {
            throw SIPParseError(.invalidURI, detail: "URI must start with a scheme, found \(SIPGrammar.describe(buf[start]))")
        }
        var i = start + 1
        let schemeChars = CharacterClass.scheme
        while i < end, schemeChars.contains(buf[i]) { i += 1 }
        guard i < end, buf[i] == UInt8(ascii: ":") else {
            throw SIPParseError(.invalidURI, detail: "URI has no scheme")
        }
        let scheme = SIPGrammar.lowercasedString(buf, start..<i)
        let rest = (i + 1)..<end
        switch scheme {
        case "sip", "sips": return try parseSIP(scheme: scheme, buf, rest)
        case "tel": return try parseTel(buf, rest)
        default:
            guard !rest.isEmpty else { throw SIPParseError(.invalidURI, detail: "empty \(scheme): URI") }
            let opaqueChars = CharacterClass.opaque
            for j in rest where !opaqueChars.contains(buf[j]) {
                throw SIPParseError(.invalidURI, detail: "character \(SIPGrammar.describe(buf[j])) not allowed in a URI")
            }
            return SIPURI(scheme: scheme, opaque: SIPGrammar.string(buf, rest))
        }
    }

    @inline(__always)
    private static func isLetter(_ b: UInt8) -> Bool {
        let l = SIPGrammar.lower(b)
        return l >= UInt8(ascii: "a") && l <= UInt8(ascii: "z")
    }

    private static func parseSIP(scheme: String, _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) -> SIPURI {
        let end = range.upperBound
        var i = range.lowerBound
        // "@" is legal neither in parameters nor in headers, so the first one ends userinfo
        // even when the user part holds ";" or "?" (RFC 4475 semiuri, intmeth).
        var at: Int?
        for j in range where buf[j] == UInt8(ascii: "@") {
            at = j
            break
        }
        var user: String?
        var password: String?
        if let at {
            var colon: Int?
            for j in i..<at where buf[j] == UInt8(ascii: ":") {
                colon = j
                break
            }
            let userEnd = colon ?? at
            guard userEnd > i else { throw SIPParseError(.invalidURI, detail: "empty user part before '@'") }
            user = try PercentCoding.decode(buf, i..<userEnd, allowed: .user, what: "URI user part")
            if let colon {
                password = try PercentCoding.decode(buf, (colon + 1)..<at, allowed: .password, what: "URI password")
            }
            i = at + 1
        }
        let host: String
        guard i < end else { throw SIPParseError(.invalidURI, detail: "URI has no host") }
        if buf[i] == UInt8(ascii: "[") {
            var j = i + 1
            let v6 = CharacterClass.ipv6
            while j < end, v6.contains(buf[j]) { j += 1 }
            guard j < end, buf[j] == UInt8(ascii: "]"), j > i + 2 else {
                throw SIPParseError(.invalidURI, detail: "malformed IPv6 reference")
            }
            host = SIPGrammar.lowercasedString(buf, i..<(j + 1))
            i = j + 1
        } else {
            var j = i
            let hostChars = CharacterClass.hostname
            while j < end, hostChars.contains(buf[j]) { j += 1 }
            guard j > i else {
                throw SIPParseError(.invalidURI, detail: "URI has no host (found \(SIPGrammar.describe(buf[i])))")
            }
            host = SIPGrammar.lowercasedString(buf, i..<j)
            i = j
        }
        var port: UInt16?
        if i < end, buf[i] == UInt8(ascii: ":") {
            var j = i + 1
            while j < end, buf[j] >= UInt8(ascii: "0"), buf[j] <= UInt8(ascii: "9") { j += 1 }
            guard let value = SIPGrammar.parseDecimal(buf, (i + 1)..<j, limit: 65535) else {
                throw SIPParseError(.invalidURI, detail: "invalid port")
            }
            port = UInt16(value)
            i = j
        }
        let (parameters, afterParameters) = try parseURIParameters(buf, i, end)
        i = afterParameters
        var headers: [SIPURIHeader] = []
        if i < end, buf[i] == UInt8(ascii: "?") {
            i += 1
            while true {
                var j = i
                while j < end, buf[j] != UInt8(ascii: "&") { j += 1 }
                let pair = i..<j
                var eq = pair.upperBound
                for k in pair where buf[k] == UInt8(ascii: "=") {
                    eq = k
                    break
                }
                guard eq > pair.lowerBound, eq < pair.upperBound else {
                    throw SIPParseError(.invalidURI, detail: "URI header must be name=value")
                }
                let name = try PercentCoding.decode(buf, pair.lowerBound..<eq, allowed: .uriHeader, what: "URI header name")
                let value = try PercentCoding.decode(buf, (eq + 1)..<pair.upperBound, allowed: .uriHeader, what: "URI header value")
                headers.append(SIPURIHeader(name: name, value: value))
                if j >= end { break }
                i = j + 1
            }
            i = end
        }
        guard i == end else {
            throw SIPParseError(.invalidURI, detail: "unexpected \(SIPGrammar.describe(buf[i])) in URI")
        }
        return SIPURI(normalizedScheme: scheme, user: user, password: password, host: host, port: port,
                      parameters: parameters, headers: headers)
    }

    private static func parseTel(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) -> SIPURI {
        var j = range.lowerBound
        while j < range.upperBound, buf[j] != UInt8(ascii: ";") { j += 1 }
        guard j > range.lowerBound else { throw SIPParseError(.invalidURI, detail: "tel URI has no number") }
        let number = try PercentCoding.decode(buf, range.lowerBound..<j, allowed: .parameter, what: "telephone number")
        let (parameters, i) = try parseURIParameters(buf, j, range.upperBound)
        guard i == range.upperBound else {
            throw SIPParseError(.invalidURI, detail: "unexpected \(SIPGrammar.describe(buf[i])) in tel URI")
        }
        var uri = SIPURI(scheme: "tel", host: "")
        uri.user = number
        uri.parameters = parameters
        return uri
    }

    /// `*( ";" pname [ "=" pvalue ] )`; stops at "?" or the end.
    private static func parseURIParameters(
        _ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) throws(SIPParseError) -> (SIPParameters, Int) {
        var parameters = SIPParameters()
        var i = start
        while i < end, buf[i] == UInt8(ascii: ";") {
            var j = i + 1
            while j < end, buf[j] != UInt8(ascii: ";"), buf[j] != UInt8(ascii: "?") { j += 1 }
            let item = (i + 1)..<j
            var eq: Int?
            for k in item where buf[k] == UInt8(ascii: "=") {
                eq = k
                break
            }
            let nameRange = item.lowerBound..<(eq ?? item.upperBound)
            guard !nameRange.isEmpty else { throw SIPParseError(.invalidURI, detail: "empty URI parameter name") }
            let name = try PercentCoding.decode(buf, nameRange, allowed: .parameter, what: "URI parameter name")
            var value: String?
            if let eq {
                let valueRange = (eq + 1)..<item.upperBound
                guard !valueRange.isEmpty else {
                    throw SIPParseError(.invalidURI, detail: "URI parameter \(name) has '=' but no value")
                }
                value = try PercentCoding.decode(buf, valueRange, allowed: .parameter, what: "URI parameter value")
            }
            parameters.append(name, value)
            i = j
        }
        return (parameters, i)
    }

    /// The URI as text, re-encoding what each component may not hold bare. Built as bytes:
    /// appending to a `String` piece by piece costs several times more.
    public var description: String {
        if let opaque { return scheme + ":" + opaque }
        var out: [UInt8] = []
        out.reserveCapacity(scheme.utf8.count + (user?.utf8.count ?? 0) + host.utf8.count + 16 + parameters.count * 16)
        out.append(contentsOf: scheme.utf8)
        out.append(UInt8(ascii: ":"))
        if scheme == "tel" {
            PercentCoding.encode(user ?? "", allowed: .parameter, into: &out)
            appendParameters(to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        if let user {
            PercentCoding.encode(user, allowed: .user, into: &out)
            if let password {
                out.append(UInt8(ascii: ":"))
                PercentCoding.encode(password, allowed: .password, into: &out)
            }
            out.append(UInt8(ascii: "@"))
        }
        out.append(contentsOf: host.utf8)
        if let port {
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: String(port).utf8)
        }
        appendParameters(to: &out)
        if !headers.isEmpty {
            var first = true
            for header in headers {
                out.append(first ? UInt8(ascii: "?") : UInt8(ascii: "&"))
                first = false
                PercentCoding.encode(header.name, allowed: .uriHeader, into: &out)
                out.append(UInt8(ascii: "="))
                PercentCoding.encode(header.value, allowed: .uriHeader, into: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func appendParameters(to out: inout [UInt8]) {
        for p in parameters {
            out.append(UInt8(ascii: ";"))
            PercentCoding.encode(p.name, allowed: .parameter, into: &out)
            if let value = p.value {
                out.append(UInt8(ascii: "="))
                PercentCoding.encode(value, allowed: .parameter, into: &out)
            }
        }
    }

    /// The canonical address-of-record form used as a registrar key: `scheme:user@host`
    /// (user re-encoded canonically, host lower-case; no password, port, parameters or
    /// headers). `scheme:host` without a user; `tel:number`; `scheme:opaque` for others.
    public var addressOfRecord: String {
        if let opaque { return scheme + ":" + opaque }
        var out = scheme + ":"
        if scheme == "tel" {
            PercentCoding.encode(user ?? "", allowed: .parameter, into: &out)
            return out
        }
        if let user {
            PercentCoding.encode(user, allowed: .user, into: &out)
            out += "@"
        }
        out += host
        return out
    }

    /// URI parameters that must match whenever either URI has them (RFC 3261 §19.1.4).
    static let significantParameters: Set<String> = ["user", "ttl", "method", "maddr", "transport"]

    /// RFC 3261 §19.1.4 equivalence: scheme, user and password exactly; host, port; the
    /// user/ttl/method/maddr/transport parameters must match when either URI has them, other
    /// parameters only when both have them (case-insensitively); headers must all match.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard scheme == other.scheme else { return false }
        if opaque != nil || other.opaque != nil { return opaque == other.opaque }
        guard user == other.user, password == other.password, host == other.host, port == other.port else {
            return false
        }
        for p in parameters {
            let name = SIPGrammar.lowercased(p.name)
            if let theirs = other.parameters[name] {
                guard Self.sameParameterValue(p.value, theirs) else { return false }
            } else if Self.significantParameters.contains(name) {
                return false
            }
        }
        for p in other.parameters where Self.significantParameters.contains(SIPGrammar.lowercased(p.name)) {
            if !parameters.contains(p.name) { return false }
        }
        return Self.headerKeys(headers) == Self.headerKeys(other.headers)
    }

    private static func sameParameterValue(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return SIPGrammar.equalsIgnoringCase(x, y)
        default: return false
        }
    }

    private static func headerKeys(_ headers: [SIPURIHeader]) -> [String] {
        headers.map {
            PercentCoding.encode(SIPGrammar.lowercased($0.name), allowed: .uriHeader) + "="
                + PercentCoding.encode(SIPGrammar.lowercased($0.value), allowed: .uriHeader)
        }.sorted()
    }

    /// A normalized string for indexing URIs by equivalence: scheme, user (exact), password,
    /// lower-case host, port, all parameters lower-cased and sorted, headers sorted.
    ///
    /// Equal keys imply `isEquivalent`; the converse fails only for URIs that differ by a
    /// parameter (other than user/ttl/method/maddr/transport) present in just one of them,
    /// which §19.1.4 would ignore.
    public var comparisonKey: String {
        if let opaque { return scheme + ":" + opaque }
        // Built as bytes, then one String (every byte written is ASCII: %-encoding sees to it).
        var out: [UInt8] = []
        out.reserveCapacity(scheme.utf8.count + (user?.utf8.count ?? 0) + host.utf8.count + 8 + parameters.estimatedLength)
        out.append(contentsOf: scheme.utf8)
        out.append(UInt8(ascii: ":"))
        PercentCoding.encode(user ?? "", allowed: .unreserved, into: &out)
        if let password {
            out.append(UInt8(ascii: ":"))
            PercentCoding.encode(password, allowed: .unreserved, into: &out)
        }
        out.append(UInt8(ascii: "@"))
        out.append(contentsOf: host.utf8)
        if let port {
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: String(port).utf8)
        }
        func item(_ p: SIPParameter, into out: inout [UInt8]) {
            PercentCoding.encodeLowered(p.name, allowed: .unreserved, into: &out)
            if let value = p.value {
                out.append(UInt8(ascii: "="))
                PercentCoding.encodeLowered(value, allowed: .unreserved, into: &out)
            }
        }
        if parameters.count == 1 {
            for only in parameters {
                out.append(UInt8(ascii: ";"))
                item(only, into: &out)
            }
        } else if parameters.count > 1 {
            // ASCII items: byte order is String order.
            let items = parameters.map { p -> [UInt8] in
                var bytes: [UInt8] = []
                item(p, into: &bytes)
                return bytes
            }.sorted { $0.lexicographicallyPrecedes($1) }
            for bytes in items {
                out.append(UInt8(ascii: ";"))
                out.append(contentsOf: bytes)
            }
        }
        let headerItems = Self.headerKeys(headers)
        if !headerItems.isEmpty {
            out.append(UInt8(ascii: "?"))
            out.append(contentsOf: headerItems.joined(separator: "&").utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
