import Crypto

/// Stateless digest nonces: the issue time and a caller-supplied random salt, authenticated
/// with HMAC-SHA256 under a server secret, so a registrar needs no nonce table and a
/// restart (same secret) keeps outstanding nonces valid.
///
/// Layout: base64url (no padding) of `issuedAt (8 bytes BE) | salt (8 bytes) | HMAC[0..<16]`
/// = 43 characters from `A-Z a-z 0-9 - _`: no quotes, commas or spaces. The MAC may also
/// cover a caller `binding` (e.g. the client's IP) so a nonce is useless elsewhere.
public struct NonceCodec: Sendable {
    /// The HMAC keyed once with the secret: keying hashes the padded key, which cost as much
    /// as the MAC itself when it was redone for every nonce.
    private let keyed: KeyedHMAC
    private static let macLength = 16
    private static let rawLength = 16 + macLength

    /// Creates a codec with the HMAC `secret` (use at least 32 random bytes).
    public init(secret: [UInt8]) {
        self.keyed = KeyedHMAC(HMAC<SHA256>(key: SymmetricKey(data: secret)))
    }

    /// A nonce for `issuedAt` (seconds) and `salt` (fresh randomness per challenge).
    public func make(issuedAt seconds: Int64, salt: UInt64) -> String {
        make(issuedAt: seconds, salt: salt, binding: [])
    }

    /// A nonce additionally bound to `binding` (it verifies only with the same bytes).
    public func make(issuedAt seconds: Int64, salt: UInt64, binding: [UInt8]) -> String {
        var raw: [UInt8] = []
        raw.reserveCapacity(Self.rawLength)
        Self.appendBigEndian(UInt64(bitPattern: seconds), to: &raw)
        Self.appendBigEndian(salt, to: &raw)
        raw.append(contentsOf: mac(raw, binding: binding))
        return Base64URL.encode(raw)
    }

    /// The issue time of a nonce this codec made, or nil if it is garbled or forged.
    /// The MAC comparison takes the same time wherever the first difference is.
    public func issuedAt(of nonce: String) -> Int64? {
        issuedAt(of: nonce, binding: [])
    }

    /// `issuedAt(of:)` for a nonce made with `binding`.
    public func issuedAt(of nonce: String, binding: [UInt8]) -> Int64? {
        guard nonce.utf8.count <= 64, let raw = Base64URL.decode(nonce), raw.count == Self.rawLength else { return nil }
        let payload = Array(raw[0..<16])
        let expected = mac(payload, binding: binding)
        var difference: UInt8 = 0
        for i in 0..<Self.macLength { difference |= expected[i] ^ raw[16 + i] }
        guard difference == 0 else { return nil }
        var seconds: UInt64 = 0
        for b in raw[0..<8] { seconds = seconds << 8 | UInt64(b) }
        return Int64(bitPattern: seconds)
    }

    private func mac(_ payload: [UInt8], binding: [UInt8]) -> [UInt8] {
        // A copy of the keyed state: its hashers are copy-on-write, so the shared one is never
        // changed and concurrent callers each work on their own copy.
        var hmac = keyed.hmac
        // Length-prefix the binding so payload/binding boundaries cannot be shifted.
        var message = payload
        message.reserveCapacity(payload.count + 8 + binding.count)
        Self.appendBigEndian(UInt64(binding.count), to: &message)
        message.append(contentsOf: binding)
        hmac.update(data: message)
        return hmac.finalize().withUnsafeBytes { Array($0.prefix(Self.macLength)) }
    }

    private static func appendBigEndian(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
