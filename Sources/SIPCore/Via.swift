/// One `via-parm` of a Via header (RFC 3261 §20.42, RFC 3581 rport).
public struct Via: Hashable, Sendable, CustomStringConvertible {
    /// The protocol name of `sent-protocol`, as written (normally "SIP").
    public var protocolName: String
    /// The protocol version of `sent-protocol`, as written (normally "2.0").
    public var protocolVersion: String
    /// The transport, upper-cased: "UDP", "TCP", "TLS", "SCTP", "WS", ...
    public var transport: String
    /// The sent-by host, lower-cased; IPv6 references keep their brackets.
    public var host: String
    /// The sent-by port, when written.
    public var port: UInt16?
    /// The via parameters, values verbatim.
    public var parameters: SIPParameters

    /// Creates a Via for `SIP/2.0/transport host[:port]` with `parameters`.
    public init(transport: String, host: String, port: UInt16? = nil, parameters: SIPParameters = SIPParameters()) {
        self.protocolName = "SIP"
        self.protocolVersion = "2.0"
        self.transport = String(decoding: transport.utf8.map(SIPGrammar.upper), as: UTF8.self)
        self.host = SIPGrammar.lowercased(host)
        self.port = port
        self.parameters = parameters
    }

    /// The `branch` parameter (transaction id; RFC 3261 §8.1.1.7).
    public var branch: String? {
        get { parameters["branch"] ?? nil }
        set {
            if let newValue { parameters.set("branch", newValue) } else { parameters.remove("branch") }
        }
    }

    /// The `received` parameter: the source address a server saw (RFC 3261 §18.2.1).
    public var received: String? {
        get { parameters["received"] ?? nil }
        set {
            if let newValue { parameters.set("received", newValue) } else { parameters.remove("received") }
        }
    }

    /// Whether an `rport` parameter is present, with or without a value (RFC 3581).
    public var hasRport: Bool {
        get { parameters.contains("rport") }
        set {
            if newValue {
                if !parameters.contains("rport") { parameters.append("rport", nil) }
            } else {
                parameters.remove("rport")
            }
        }
    }

    /// The value of `rport`, when it has one (a server fills it in; RFC 3581 §4).
    public var rport: UInt16? {
        get {
            guard let text = parameters["rport"] ?? nil, let value = UInt16(text) else { return nil }
            return value
        }
        set { parameters.set("rport", newValue.map { String($0) }) }
    }

    /// Parses one via-parm: `SIP / 2.0 / UDP host[:port] *(;param)`, LWS allowed around "/",
    /// ":" and parameters. A non-numeric or out-of-range rport or port is an error.
    public static func parse(_ text: Substring) throws(SIPParseError) -> Via {
        try SIPGrammar.withBytes(text) { (buf) throws(SIPParseError) -> Via in
            try parse(buf, 0..<buf.count)
        }
    }

    /// Parses one via-parm from a string.
    public static func parse(_ text: String) throws(SIPParseError) -> Via {
        try parse(Substring(text))
    }

    static func parse(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) -> Via {
        let end = range.upperBound
        func fail(_ detail: String) -> SIPParseError { SIPParseError(.malformedHeader, header: "Via", detail: detail) }
        var i = SIPGrammar.skipWhitespace(buf, range.lowerBound, end)
        // The three sent-protocol tokens, without an array per Via.
        var tokens: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)
        for index in 0..<3 {
            let tokenEnd = SIPGrammar.scanToken(buf, i, end)
            guard tokenEnd > i else { throw fail("malformed sent-protocol") }
            switch index {
            case 0: tokens.0 = i..<tokenEnd
            case 1: tokens.1 = i..<tokenEnd
            default: tokens.2 = i..<tokenEnd
            }
            i = SIPGrammar.skipWhitespace(buf, tokenEnd, end)
            if index < 2 {
                guard i < end, buf[i] == UInt8(ascii: "/") else { throw fail("sent-protocol must be name/version/transport") }
                i = SIPGrammar.skipWhitespace(buf, i + 1, end)
            }
        }
        guard i > tokens.2.upperBound else { throw fail("missing whitespace before sent-by") }
        guard i < end else { throw fail("missing sent-by") }
        let host: String
        if buf[i] == UInt8(ascii: "[") {
            var j = i + 1
            let v6 = CharacterClass.ipv6
            while j < end, v6.contains(buf[j]) { j += 1 }
            guard j < end, buf[j] == UInt8(ascii: "]"), j > i + 2 else { throw fail("malformed IPv6 reference in sent-by") }
            host = SIPGrammar.lowercasedString(buf, i..<(j + 1))
            i = j + 1
        } else {
            var j = i
            let hostChars = CharacterClass.hostname
            while j < end, hostChars.contains(buf[j]) { j += 1 }
            guard j > i else { throw fail("missing sent-by host") }
            host = SIPGrammar.lowercasedString(buf, i..<j)
            i = j
        }
        i = SIPGrammar.skipWhitespace(buf, i, end)
        var port: UInt16?
        if i < end, buf[i] == UInt8(ascii: ":") {
            i = SIPGrammar.skipWhitespace(buf, i + 1, end)
            var j = i
            while j < end, buf[j] >= UInt8(ascii: "0"), buf[j] <= UInt8(ascii: "9") { j += 1 }
            guard let value = SIPGrammar.parseDecimal(buf, i..<j, limit: 65535) else { throw fail("invalid sent-by port") }
            port = UInt16(value)
            i = j
        }
        let parameters = try SIPGrammar.parseHeaderParameters(buf, i, end, header: "Via")
        if let rport = parameters["rport"], let value = rport {
            guard let number = UInt16(value), number > 0 else { throw fail("invalid rport value \(value)") }
            _ = number
        }
        if let branch = parameters["branch"] {
            guard let value = branch, !value.isEmpty else { throw fail("branch parameter without a value") }
        }
        var via = Via(transport: "", host: "")
        via.protocolName = SIPGrammar.string(buf, tokens.0)
        via.protocolVersion = SIPGrammar.string(buf, tokens.1)
        via.transport = SIPGrammar.uppercasedString(buf, tokens.2)
        via.host = host
        via.port = port
        via.parameters = parameters
        return via
    }

    /// `SIP/2.0/UDP host:port;params`.
    public var description: String {
        var out: [UInt8] = []
        appendDescription(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the bytes of `description` to `out` (a response writes its top Via this way,
    /// with no String made for it: see `SIPHeaders.add(_:writing:)`).
    public func appendDescription(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + protocolName.utf8.count + protocolVersion.utf8.count + transport.utf8.count
                            + host.utf8.count + 9 + parameters.estimatedLength)
        out.append(contentsOf: protocolName.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: protocolVersion.utf8)
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: transport.utf8)
        out.append(SIPGrammar.space)
        out.append(contentsOf: host.utf8)
        if let port {
            out.append(UInt8(ascii: ":"))
            SIPHeaders.appendDecimal(Int64(port), to: &out)
        }
        parameters.append(to: &out)
    }
}
