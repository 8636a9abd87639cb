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

    private var entries: [Key: State] = [:]
    private var order: [(key: Key, expiresAt: Timestamp)] = []
    private var head = 0
    private let lifetimeSeconds: Int64
    private let capacity: Int
    /// Challenge seeds by the key's hash (per process, randomly seeded), oldest first in the ring.
    private var challenges: [Int: ChallengeSeed] = [:]
    private var challengeRing: [(hash: Int, expiresAt: Timestamp)] = []
    private var challengeHead = 0
    private let challengeCapacity: Int

    /// Creates a cache keeping entries `lifetimeSeconds`, at most `capacity` of them, and at
    /// most `challengeCapacity` challenge seeds (16,384: more than a second of challenges at
    /// 16,000 REGISTERs/s, where a client retransmits after half a second; about 1 MiB).
    public init(lifetimeSeconds: Int64 = 32, capacity: Int = 200_000, challengeCapacity: Int = 16_384) {
        self.lifetimeSeconds = lifetimeSeconds
        self.capacity = max(1, capacity)
        self.challengeCapacity = max(1, challengeCapacity)
    }

    /// Challenge seeds remembered.
    public var challengeCount: Int { challenges.count }

    /// The seed of `key`'s challenge, if it was challenged less than the lifetime before `now`.
    public func challengeSeed(of key: Key, now: Timestamp) -> ChallengeSeed? {
        guard let seed = challenges[key.hashValue], now < seed.time.adding(seconds: lifetimeSeconds) else { return nil }
        return seed
    }

    /// Records that `key` was challenged with a 401 made from `seed` (the first seed stays).
    public mutating func challenged(_ key: Key, seed: ChallengeSeed) {
        let now = seed.time
        while challengeHead < challengeRing.count,
              challengeRing[challengeHead].expiresAt <= now || challenges.count >= challengeCapacity {
            challenges[challengeRing[challengeHead].hash] = nil
            challengeHead += 1
        }
        if challengeHead > 4096, challengeHead * 2 > challengeRing.count {
            challengeRing.removeFirst(challengeHead)
            challengeHead = 0
        }
        let hash = key.hashValue
        guard challenges[hash] == nil else { return }
        challenges[hash] = seed
        challengeRing.append((hash, now.adding(seconds: lifetimeSeconds)))
    }

    /// Number of transactions remembered.
    public var count: Int { entries.count }

    /// What is known about `key`, if anything.
    public func state(of key: Key) -> State? { entries[key] }

    /// Records that `key` is being processed.
    public mutating func begin(_ key: Key, now: Timestamp) {
        evict(now: now)
        if entries.updateValue(.pending, forKey: key) == nil {
            order.append((key, now.adding(seconds: lifetimeSeconds)))
        }
    }

    /// Records the final response of `key`.
    public mutating func complete(_ key: Key, response: [UInt8]) {
        if entries[key] != nil { entries[key] = .completed(response) }
    }

    /// Forgets `key` (its processing failed and a retransmission should be processed anew).
    public mutating func forget(_ key: Key) { entries[key] = nil }

    private mutating func evict(now: Timestamp) {
        while head < order.count, order[head].expiresAt <= now || entries.count >= capacity {
            entries[order[head].key] = nil
            head += 1
        }
        if head > 4096, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
