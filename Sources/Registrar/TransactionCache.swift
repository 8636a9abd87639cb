import SIPCore

/// Remembers the final responses of recent server transactions, so a retransmitted request
/// gets the same answer again instead of being processed twice (RFC 3261 §17.2.2).
///
/// Without it a UDP phone whose 200 OK was lost would retransmit its REGISTER and be refused
/// for reusing its CSeq (and its nonce-count). Entries live `lifetime` (64*T1 = 32 s by
/// default) and the cache is bounded; when full the oldest entries go first.
public struct TransactionCache: Sendable {
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

    /// Creates a cache keeping entries `lifetimeSeconds`, at most `capacity` of them.
    public init(lifetimeSeconds: Int64 = 32, capacity: Int = 200_000) {
        self.lifetimeSeconds = lifetimeSeconds
        self.capacity = max(1, capacity)
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
