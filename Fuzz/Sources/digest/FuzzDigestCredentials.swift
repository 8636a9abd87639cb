import SIPCore

/// libFuzzer entry point: an `Authorization` header value through `DigestCredentials.parse`
/// (and so `AuthParameters`), and the same text as a `WWW-Authenticate` value through
/// `DigestChallenge.parse`. With credentials in hand, the response is computed for them as the
/// registrar would (whatever algorithm and qop they name) and compared in constant time.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDigestCredentials(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    if let credentials = try? DigestCredentials.parse(headerValue: Substring(text)) {
        let algorithm = credentials.digestAlgorithm ?? .md5
        let ha1 = Digest.ha1(username: credentials.username, realm: credentials.realm, password: "fuzz", algorithm: algorithm)
        let expected = Digest.response(
            ha1: ha1, method: "REGISTER", uri: credentials.uri, nonce: credentials.nonce,
            nonceCount: credentials.nonceCountText, cnonce: credentials.cnonce, qop: credentials.qop, algorithm: algorithm)
        _ = Digest.constantTimeEquals(expected, credentials.response)
    }
    if let challenge = try? DigestChallenge.parse(headerValue: Substring(text)) {
        _ = challenge.headerValue
    }
    return 0
}
