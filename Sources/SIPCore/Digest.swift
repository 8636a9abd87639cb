import Crypto

/// Digest access authentication arithmetic (RFC 7616 §3.4.1, RFC 2617 §3.2.2, RFC 2069).
public enum Digest {
    /// HA1 = H(username ":" realm ":" password), lower-case hex.
    public static func ha1(username: String, realm: String, password: String, algorithm: DigestAlgorithm) -> String {
        hash(username + ":" + realm + ":" + password, algorithm)
    }

    /// The expected `response`: with a qop, H(HA1:nonce:nc:cnonce:qop:HA2) (RFC 2617/7616);
    /// without, H(HA1:nonce:HA2) (RFC 2069). HA2 = H(method:uri), i.e. qop=auth; auth-int is
    /// not supported (it would need the body) and must be refused by the caller.
    public static func response(
        ha1: String, method: String, uri: String, nonce: String, nonceCount: String?, cnonce: String?,
        qop: String?, algorithm: DigestAlgorithm
    ) -> String {
        let ha2 = hash([method, uri], algorithm)
        if let qop {
            return hash([ha1, nonce, nonceCount ?? "", cnonce ?? "", qop, ha2], algorithm)
        }
        return hash([ha1, nonce, ha2], algorithm)
    }

    /// Compares in time that depends only on the lengths, so a response check does not leak
    /// how many leading characters were right.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                var difference = UInt8(x.count == y.count ? 0 : 1)
                let n = max(x.count, y.count)
                for i in 0..<n {
                    let p = i < x.count ? x[i] : 0
                    let q = i < y.count ? y[i] : 0
                    difference |= p ^ q
                }
                return difference == 0
            }
        }
    }

    /// H(parts joined by ":") as lower-case hex, joined as bytes (no intermediate strings).
    static func hash(_ parts: [String], _ algorithm: DigestAlgorithm) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ":")) }
            bytes.append(contentsOf: part.utf8)
        }
        return bytes.withUnsafeBytes { hex($0, algorithm) }
    }

    /// The digest of `raw` with `algorithm`, as lower-case hex.
    private static func hex(_ raw: UnsafeRawBufferPointer, _ algorithm: DigestAlgorithm) -> String {
        switch algorithm {
        case .md5:
            var hasher = Insecure.MD5()
            hasher.update(bufferPointer: raw)
            return hasher.finalize().withUnsafeBytes { Hex.encode($0) }
        case .sha256:
            var hasher = SHA256()
            hasher.update(bufferPointer: raw)
            return hasher.finalize().withUnsafeBytes { Hex.encode($0) }
        }
    }

    /// H(text) as lower-case hex.
    static func hash(_ text: String, _ algorithm: DigestAlgorithm) -> String {
        var text = text
        return text.withUTF8 { hex(UnsafeRawBufferPointer($0), algorithm) }
    }
}
