import SIPCore

/// Remembers the final responses of recent server transactions, so a retransmitted request
/// gets the same answer again instead of being processed twice (RFC 3261 §17.2.2).
///
/// Without it a UDP phone whose 200 OK was lost would retransmit its REGISTER and be refused
/// for reusing its CSeq (and its nonce-count). Entries live `lifetime` (64*T1 = 32 s by
/// default) and the cache is bounded; when full the oldest entries go first.
///
/// A challenged REGISTER (401) keeps no response: an attacker can make any number of them, and
/// the 401 bytes are the largest of all. It keeps its ``ChallengeSeed`` instead (the randomness
/// and the time its 401 was made from, 16 bytes under a hash of its key) in a smaller ring of
/// its own, so a retransmission is answered with the same 401 again (same nonce, same To tag)
/// rather than a fresh one that a client already past its first 401 takes for a new answer
/// (SIPp aborted the registration on it). A flood of challenges evicts only older challenges,
/// never a pending or completed transaction.
public struct TransactionCache: Sendable {
    /// What a challenge was made from: answering its retransmission from the same seed gives
    /// the same 401.
    public struct ChallengeSeed: Hashable, Sendable {
        /// The randomness (`Registrar.handleRegister`'s `salt`).
        public let salt: UInt64
        /// When the first copy arrived.
        public let time: Timestamp

        /// Creates a seed.
        public init(salt: UInt64, time: Timestamp) {
            self.salt = salt
            self.time = time
        }
    }

    /// What the cache knows about a transaction.
    public enum State: Hashable, Sendable {
        /// The request is being processed (its response waits for a commit): absorb copies.
        case pending
        /// The final response already sent, to send again.
        case completed([UInt8])
    }

    /// Identifies a server transaction: the branch (or, for RFC 2543 clients, Call-ID, CSeq and
    /// From tag), the method and where it came from.
    public struct Key: Hashable, Sendable {
        let id: String
        let method: String
        let source: SourceAddress

        /// The key of `request` received from `source`.
        public init(request: SIPRequest, source: SourceAddress) {
            if let branch = request.via.first?.branch, branch.hasPrefix("z9hG4bK"), branch.count > 7 {
                id = branch
            } else {
                id = "\(request.callID)|\(request.cseq.number)|\(request.from.tag ?? "")"
            }
            method = request.method == .ack ? SIPMethod.invite.rawValue : request.method.rawValue
            self.source = source
        }
    }

    /// A transaction a datagram's fingerprint points to, and where its answer goes.
    struct Replay: Sendable {
        let key: Key
        let destination: SourceAddress
    }

    private var entries: ExpiringTable<Key, State>
    /// Transactions by the fingerprint of the datagram that began them (see ``replay(of:)``).
    private var fingerprints: ExpiringTable<UInt64, Replay>
    /// Challenge seeds by the key's hash (per process, randomly seeded).
    private var challenges: ExpiringTable<Int, ChallengeSeed>

    /// Creates a cache keeping entries `lifetimeSeconds`, at most `capacity` of them, and at
    /// most `challengeCapacity` challenge seeds (16,384: more than a second of challenges at
    /// 16,000 REGISTERs/s, where a client retransmits after half a second; about 1 MiB).
    /// `fingerprintCapacity` bounds the datagrams remembered for replays (16,384: about a
    /// second of REGISTERs at this machine's best rate; about 2.5 MiB when full, by
    /// bench/memory.sh's RSS at 10,000 registrations, 1.5 MiB more than without them).
    public init(lifetimeSeconds: Int64 = 32, capacity: Int = 200_000, challengeCapacity: Int = 16_384, fingerprintCapacity: Int = 16_384) {
        entries = ExpiringTable(lifetimeSeconds: lifetimeSeconds, capacity: capacity)
        fingerprints = ExpiringTable(lifetimeSeconds: lifetimeSeconds, capacity: fingerprintCapacity)
        challenges = ExpiringTable(lifetimeSeconds: lifetimeSeconds, capacity: challengeCapacity)
    }

    /// Challenge seeds remembered.
    public var challengeCount: Int { challenges.count }

    /// The seed of `key`'s challenge, if it was challenged less than the lifetime before `now`.
    public func challengeSeed(of key: Key, now: Timestamp) -> ChallengeSeed? {
        guard let seed = challenges[key.hashValue], now < seed.time.adding(seconds: challenges.lifetimeSeconds) else { return nil }
        return seed
    }

    /// Records that `key` was challenged with a 401 made from `seed` (the first seed stays).
    public mutating func challenged(_ key: Key, seed: ChallengeSeed) {
        challenges.store(seed, forKey: key.hashValue, now: seed.time, replace: false)
    }

    /// Number of transactions remembered.
    public var count: Int { entries.count }

    /// What is known about `key`, if anything.
    public func state(of key: Key) -> State? { entries[key] }

    /// Records that `key` is being processed.
    public mutating func begin(_ key: Key, now: Timestamp) {
        entries.store(.pending, forKey: key, now: now)
    }

    /// Records the final response of `key`.
    public mutating func complete(_ key: Key, response: [UInt8]) {
        entries.update(.completed(response), forKey: key)
    }

    /// Remembers that the datagram with `fingerprint` began `key`'s transaction, answered at
    /// `destination`: a byte-identical copy (a UDP retransmission) is then absorbed or answered
    /// from ``replay(of:)`` without being parsed again. Under overload every retransmission was
    /// parsed in full before the transaction lookup found it, adding to the load that caused it.
    public mutating func remember(fingerprint: UInt64, of key: Key, destination: SourceAddress, now: Timestamp) {
        fingerprints.store(Replay(key: key, destination: destination), forKey: fingerprint, now: now)
    }

    /// The transaction begun by the datagram with `fingerprint`, while it is still known:
    /// pending (drop the copy) or completed (send its response to the destination). Nil when
    /// the datagram is new, its transaction was forgotten or evicted, or it was challenged (a
    /// 401 is decided again from its seed).
    public func replay(of fingerprint: UInt64) -> (state: State, destination: SourceAddress)? {
        guard let replay = fingerprints[fingerprint], let state = entries[replay.key] else { return nil }
        return (state, replay.destination)
    }

    /// Datagram fingerprints remembered.
    public var fingerprintCount: Int { fingerprints.count }

    /// Forgets `key` (its processing failed and a retransmission should be processed anew).
    public mutating func forget(_ key: Key) { entries.remove(key) }
}
