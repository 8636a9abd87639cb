/// A `WWW-Authenticate: Digest ...` challenge (RFC 7616 §3.3, RFC 3261 §22.4).
public struct DigestChallenge: Hashable, Sendable {
    /// The protection space, e.g. the SIP domain.
    public var realm: String
    /// The server nonce.
    public var nonce: String
    /// The hash algorithm the client must use.
    public var algorithm: DigestAlgorithm
    /// The quality of protection offered ("auth"), or nil for RFC 2069-style digests.
    public var qop: String?
    /// Whether the previous nonce was merely stale (the password was right).
    public var stale: Bool
    /// An opaque value the client must echo back.
    public var opaque: String?

    /// Creates a challenge.
    public init(realm: String, nonce: String, algorithm: DigestAlgorithm = .md5, qop: String? = "auth", stale: Bool = false, opaque: String? = nil) {
        self.realm = realm
        self.nonce = nonce
        self.algorithm = algorithm
        self.qop = qop
        self.stale = stale
        self.opaque = opaque
    }

    /// `Digest realm="...", nonce="...", opaque="...", algorithm=MD5, qop="auth"[, stale=true]`:
    /// the layout SIPp, sipsak, baresip and hardware phones accept (algorithm unquoted, qop
    /// quoted). Quotes and backslashes are escaped and CR/LF dropped.
    public var headerValue: String {
        var out: [UInt8] = []
        appendHeaderValue(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `headerValue`'s bytes to `out` (how a response writes its challenge: see
    /// `SIPHeaders.add(_:writing:)`).
    public func appendHeaderValue(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 80 + realm.utf8.count + nonce.utf8.count + (opaque?.utf8.count ?? 0) + (qop?.utf8.count ?? 0))
        out.append(contentsOf: "Digest realm=".utf8)
        SIPGrammar.appendQuoted(realm, to: &out)
        out.append(contentsOf: ", nonce=".utf8)
        SIPGrammar.appendQuoted(nonce, to: &out)
        if let opaque {
            out.append(contentsOf: ", opaque=".utf8)
            SIPGrammar.appendQuoted(opaque, to: &out)
        }
        out.append(contentsOf: ", algorithm=".utf8)
        out.append(contentsOf: algorithm.rawValue.utf8)
        if let qop {
            out.append(contentsOf: ", qop=".utf8)
            SIPGrammar.appendQuoted(qop, to: &out)
        }
        if stale { out.append(contentsOf: ", stale=true".utf8) }
    }

    /// Parses a WWW-Authenticate / Proxy-Authenticate value (for SIPWarden's own outbound
    /// registrations). Nil when the scheme is not Digest. A missing realm or nonce, or an
    /// algorithm other than MD5/SHA-256, is `.invalidCredentials`.
    public static func parse(headerValue: Substring) throws(SIPParseError) -> DigestChallenge? {
        guard let params = try AuthParameters.parse(headerValue, expectingScheme: "Digest", header: "WWW-Authenticate") else {
            return nil
        }
        guard let realm = params["realm"], let nonce = params["nonce"] else {
            throw SIPParseError(.invalidCredentials, header: "WWW-Authenticate", detail: "Digest challenge lacks realm or nonce")
        }
        guard let algorithm = DigestAlgorithm(parameter: params["algorithm"]) else {
            throw SIPParseError(.invalidCredentials, header: "WWW-Authenticate", detail: "unsupported digest algorithm \(params["algorithm"] ?? "")")
        }
        let stale = params["stale"].map { SIPGrammar.equalsIgnoringCase($0, "true") } ?? false
        return DigestChallenge(realm: realm, nonce: nonce, algorithm: algorithm, qop: params["qop"], stale: stale, opaque: params["opaque"])
    }
}
