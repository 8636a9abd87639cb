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
        var out = "Digest realm=" + SIPGrammar.quote(realm) + ", nonce=" + SIPGrammar.quote(nonce)
        if let opaque { out += ", opaque=" + SIPGrammar.quote(opaque) }
        out += ", algorithm=" + algorithm.rawValue
        if let qop { out += ", qop=" + SIPGrammar.quote(qop) }
        if stale { out += ", stale=true" }
        return out
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
