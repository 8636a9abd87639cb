/// The operator's registrar rules (RFC 3261 §10.3 and the softswitch rules built on it).
public struct RegistrarConfiguration: Hashable, Sendable {
    /// The digest realm offered when the To domain is not one of the subscribers' domains.
    public var realm: String
    /// Expiry granted when the phone asks for none (seconds).
    public var defaultExpires: UInt32
    /// Shortest expiry accepted; a shorter non-zero request gets 423 with Min-Expires.
    public var minExpires: UInt32
    /// Longest expiry granted; longer requests are shortened to this.
    public var maxExpires: UInt32
    /// Maximum bindings one AOR may hold (VOS3000: SERVER_REGISTRAR_MAX_BINDINGS).
    public var maxBindingsPerAOR: Int
    /// What happens when an AOR is full (VOS3000: SS_ENDPOINT_REGISTER_REPLACE).
    public var whenFull: WhenFull
    /// How long a nonce stays fresh (seconds); a correct answer to an older one gets stale=true.
    public var nonceLifetime: Int64
    /// Digest algorithms offered in a 401, most preferred first (one WWW-Authenticate each).
    public var challengeAlgorithms: [DigestAlgorithmName]
    /// Whether REGISTER must authenticate. Off only for labs and benchmarks.
    public var requireAuthentication: Bool
    /// The Server header sent in responses, or nil for none.
    public var serverHeader: String?

    /// Creates a configuration; the defaults are what a typical operator runs.
    public init(
        realm: String = "sipwarden", defaultExpires: UInt32 = 3600, minExpires: UInt32 = 60,
        maxExpires: UInt32 = 7200, maxBindingsPerAOR: Int = 10, whenFull: WhenFull = .replaceOldest,
        nonceLifetime: Int64 = 300, challengeAlgorithms: [DigestAlgorithmName] = [.md5],
        requireAuthentication: Bool = true, serverHeader: String? = "SIPWarden"
    ) {
        self.realm = realm
        self.defaultExpires = defaultExpires
        self.minExpires = minExpires
        self.maxExpires = maxExpires
        self.maxBindingsPerAOR = maxBindingsPerAOR
        self.whenFull = whenFull
        self.nonceLifetime = nonceLifetime
        self.challengeAlgorithms = challengeAlgorithms
        self.requireAuthentication = requireAuthentication
        self.serverHeader = serverHeader
    }
}

/// A digest algorithm name as it appears in configuration ("MD5", "SHA-256").
public enum DigestAlgorithmName: String, Hashable, Codable, Sendable, CaseIterable {
    /// RFC 2617 MD5.
    case md5 = "MD5"
    /// RFC 7616 SHA-256.
    case sha256 = "SHA-256"
}
