import SIPCore

/// Checks digest credentials against subscribers and issues challenges (RFC 7616, RFC 2617).
///
/// Nonces are stateless (an HMAC over their issue time), so they survive restarts as long as
/// the secret does. The only state is the highest nonce-count seen per nonce, kept while the
/// nonce is fresh, so a replayed request is refused.
public struct DigestAuthenticator: Sendable {
    /// The result of checking one REGISTER's credentials.
    public enum Verdict: Hashable, Sendable {
        /// The credentials are right and fresh: the subscriber is authenticated.
        case authenticated(Subscriber)
        /// No usable credentials for our realm: send a challenge.
        case challenge
        /// Right password, expired nonce: challenge again with stale=true.
        case stale(username: String)
        /// Wrong password, forged nonce or replayed nonce-count.
        case failed(username: String, reason: String)
        /// The username is not a subscriber.
        case unknownUser(username: String)
    }

    /// The stateless nonce maker and checker.
    public let codec: NonceCodec
    private var lifetime: Int64
    /// Per fresh nonce (by a hash of its text, to keep each entry small): the highest
    /// nonce-count accepted (high 32 bits) and the second the nonce was issued (low 32 bits,
    /// seconds since 1970 fit until 2106), one word per nonce: a phone that registers every
    /// few minutes keeps one entry here while its nonce is fresh.
    private var nonceCounts = CompactTable<UInt64>(filler: 0)
    private var lastPruneAt: Int64 = 0

    /// Creates an authenticator with the HMAC `secret` and the nonce lifetime in seconds.
    public init(secret: [UInt8], nonceLifetime: Int64) {
        self.codec = NonceCodec(secret: secret)
        self.lifetime = max(1, nonceLifetime)
    }

    /// Changes how long nonces stay fresh.
    public mutating func setNonceLifetime(_ seconds: Int64) { lifetime = max(1, seconds) }

    /// A fresh challenge for `realm`, issued at `now`; `salt` is caller-supplied randomness.
    public static func challenge(codec: NonceCodec, realm: String, algorithm: DigestAlgorithm, stale: Bool, now: Timestamp, salt: UInt64) -> DigestChallenge {
        DigestChallenge(
            realm: realm, nonce: codec.make(issuedAt: now.seconds, salt: salt), algorithm: algorithm,
            qop: "auth", stale: stale, opaque: nil
        )
    }

    /// Checks the credentials of `request` for `realm`, looking subscribers up in `directory`.
    ///
    /// Unknown users cost the same hashing as known ones so response timing does not tell
    /// a scanner which extensions exist.
    public mutating func verify(
        credentials: [DigestCredentials], method: String, realm: String, domain: String,
        directory: SubscriberDirectory, now: Timestamp
    ) -> Verdict {
        guard let presented = credentials.first(where: { $0.realm == realm }) else { return .challenge }
        pruneNonceCounts(now: now)
        let username = presented.username
        guard let algorithm = presented.digestAlgorithm else {
            return .failed(username: username, reason: "unsupported_algorithm")
        }
        let subscriber = directory.lookup(username: username, domain: domain)
        let ha1: String
        if let subscriber, subscriber.realm == realm {
            ha1 = algorithm == .sha256 ? subscriber.ha1SHA256 : subscriber.ha1MD5
        } else {
            // Same work for the unknown and the misconfigured, so timing reveals nothing.
            ha1 = Digest.ha1(username: username, realm: realm, password: "", algorithm: algorithm)
        }
        // The nc exactly as sent: the client hashed its own spelling of it.
        let nonceCountText = presented.nonceCountText
        let expected = Digest.response(
            ha1: ha1, method: method, uri: presented.uri, nonce: presented.nonce,
            nonceCount: nonceCountText, cnonce: presented.cnonce, qop: presented.qop, algorithm: algorithm
        )
        let answerIsRight = Digest.constantTimeEquals(expected, presented.response.lowercased())
        guard let subscriber, subscriber.realm == realm else { return .unknownUser(username: username) }
        guard let issuedAt = codec.issuedAt(of: presented.nonce) else {
            return .failed(username: username, reason: "forged_nonce")
        }
        guard answerIsRight else { return .failed(username: username, reason: "wrong_password") }
        if now.seconds - issuedAt > lifetime || issuedAt - now.seconds > 60 { return .stale(username: username) }
        if presented.qop != nil {
            let key = UInt64(bitPattern: Int64(presented.nonce.hashValue))
            let highest = nonceCounts[key].map { UInt32(truncatingIfNeeded: $0 >> 32) } ?? 0
            guard let count = presented.nonceCount, count > highest else {
                return .failed(username: username, reason: "nonce_count_replay")
            }
            nonceCounts[key] = UInt64(count) << 32 | UInt64(UInt32(clamping: issuedAt))
        }
        return .authenticated(subscriber)
    }

    /// Forgets nonce-counts of nonces that have gone stale (they are refused anyway).
    private mutating func pruneNonceCounts(now: Timestamp) {
        guard now.seconds - lastPruneAt >= 10 else { return }
        lastPruneAt = now.seconds
        let oldest = now.seconds - lifetime
        nonceCounts.filter { _, packed in Int64(UInt32(truncatingIfNeeded: packed)) >= oldest }
    }
}
