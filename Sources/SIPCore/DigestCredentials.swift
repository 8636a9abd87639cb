/// The parameters of an `Authorization: Digest ...` header (RFC 7616 §3.4, RFC 2617 §3.2.2,
/// RFC 3261 §22.4).
public struct DigestCredentials: Hashable, Sendable {
    /// The user name (quoted-string, unescaped).
    public var username: String
    /// The realm.
    public var realm: String
    /// The server nonce echoed back.
    public var nonce: String
    /// The digest-uri the client hashed.
    public var uri: String
    /// The response hash as sent.
    public var response: String
    /// The `algorithm` parameter as sent; nil when absent.
    public var algorithm: String?
    /// The client nonce.
    public var cnonce: String?
    /// The nonce count (`nc`, 8 hex digits) as a number.
    public var nonceCount: UInt32?
    /// The nonce count exactly as sent: the text the client hashed (case preserved).
    public var nonceCountText: String?
    /// The quality of protection ("auth"), when sent.
    public var qop: String?
    /// The opaque value echoed back.
    public var opaque: String?

    /// Creates credentials.
    public init(
        username: String, realm: String, nonce: String, uri: String, response: String,
        algorithm: String? = nil, cnonce: String? = nil, nonceCount: UInt32? = nil, qop: String? = nil,
        opaque: String? = nil
    ) {
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithm = algorithm
        self.cnonce = cnonce
        self.nonceCount = nonceCount
        self.nonceCountText = nonceCount.map { Self.hex8($0) }
        self.qop = qop
        self.opaque = opaque
    }

    /// The algorithm to verify with: MD5 when `algorithm` is absent, nil when unknown.
    public var digestAlgorithm: DigestAlgorithm? { DigestAlgorithm(parameter: algorithm) }

    /// `n` as 8 lower-case hex digits, the form `nc` takes.
    static func hex8(_ n: UInt32) -> String {
        let digits = String(n, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// Parses an Authorization header value. Nil when the scheme is not Digest
    /// (case-insensitive); parameter names are case-insensitive and quoted values unescaped.
    /// A missing username/realm/nonce/uri/response, a repeated parameter, or an `nc` that is
    /// not 8 hex digits is `.invalidCredentials`.
    public static func parse(headerValue: Substring) throws(SIPParseError) -> DigestCredentials? {
        guard let params = try AuthParameters.parse(headerValue, expectingScheme: "Digest", header: "Authorization") else {
            return nil
        }
        func required(_ name: String) throws(SIPParseError) -> String {
            guard let value = params[name] else {
                throw SIPParseError(.invalidCredentials, header: "Authorization", detail: "Digest credentials lack \(name)")
            }
            return value
        }
        var credentials = DigestCredentials(
            username: try required("username"), realm: try required("realm"), nonce: try required("nonce"),
            uri: try required("uri"), response: try required("response"),
            algorithm: params["algorithm"], cnonce: params["cnonce"], qop: params["qop"], opaque: params["opaque"]
        )
        if let nc = params["nc"] {
            let bytes = Array(nc.utf8)
            guard bytes.count == 8, bytes.allSatisfy({ PercentCoding.hexValue($0) != nil }), let value = UInt32(nc, radix: 16) else {
                throw SIPParseError(.invalidCredentials, header: "Authorization", detail: "nc must be 8 hex digits")
            }
            credentials.nonceCount = value
            credentials.nonceCountText = nc
        }
        return credentials
    }
}
