import SIPCore

/// Builds the Authorization / Proxy-Authorization value answering a digest challenge
/// (RFC 3261 §22.4, RFC 2617 §3.2.2, RFC 7616 §3.4), with qop=auth when the server offers it.
struct TrunkDigest: Hashable, Sendable {
    /// The challenge being answered.
    var challenge: DigestChallenge
    /// Whether it came from a 407 (answered in Proxy-Authorization).
    var isProxy: Bool
    /// The last nonce count used with this nonce.
    var nonceCount: UInt32 = 0

    /// Whether the server offers qop=auth (the offer is a comma-separated list).
    var usesQop: Bool {
        guard let qop = challenge.qop else { return false }
        return qop.split(separator: ",").contains { QuotedString.trimmed($0).lowercased() == "auth" }
    }

    /// The header name the answer goes in.
    var headerName: String { isProxy ? "Proxy-Authorization" : "Authorization" }

    /// The answer for `method uri`, counting the nonce use; `cnonce` is fresh randomness.
    mutating func answer(username: String, password: String, method: String, uri: String, cnonce: String) -> String {
        let ha1 = Digest.ha1(username: username, realm: challenge.realm, password: password, algorithm: challenge.algorithm)
        var value = "Digest username=" + QuotedString.quote(username) + ", realm=" + QuotedString.quote(challenge.realm)
            + ", nonce=" + QuotedString.quote(challenge.nonce) + ", uri=" + QuotedString.quote(uri)
        if usesQop {
            nonceCount &+= 1
            let nc = Self.hex8(nonceCount)
            let response = Digest.response(
                ha1: ha1, method: method, uri: uri, nonce: challenge.nonce, nonceCount: nc, cnonce: cnonce, qop: "auth",
                algorithm: challenge.algorithm)
            value += ", response=" + QuotedString.quote(response) + ", algorithm=" + challenge.algorithm.rawValue
                + ", cnonce=" + QuotedString.quote(cnonce) + ", qop=auth, nc=" + nc
        } else {
            let response = Digest.response(
                ha1: ha1, method: method, uri: uri, nonce: challenge.nonce, nonceCount: nil, cnonce: nil, qop: nil,
                algorithm: challenge.algorithm)
            value += ", response=" + QuotedString.quote(response) + ", algorithm=" + challenge.algorithm.rawValue
        }
        if let opaque = challenge.opaque { value += ", opaque=" + QuotedString.quote(opaque) }
        return value
    }

    /// `n` as 8 lower-case hex digits.
    static func hex8(_ n: UInt32) -> String {
        let digits = String(n, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
