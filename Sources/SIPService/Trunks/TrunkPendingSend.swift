import Registrar

/// A REGISTER in flight: retransmitted over UDP by RFC 3261 timer E (500 ms doubling to
/// 4 s; 4 s after a provisional response) until timer F (32 s) gives up. Over TCP
/// (`isReliable`) it is never retransmitted: only timer F runs (RFC 3261 §17.1.1.2).
struct TrunkPendingSend {
    /// RFC 3261 T1 and T2, and timer F = 64·T1, in milliseconds.
    static let t1: Int64 = 500
    static let t2: Int64 = 4000
    static let timerF: Int64 = 64 * 500

    /// The trunk's name.
    let trunk: String
    /// The datagram (or the message written to the connection).
    let bytes: [UInt8]
    /// Where it goes.
    let destination: TrunkEndpoint
    /// Sent over TCP: no retransmissions.
    let isReliable: Bool
    /// When it is sent again (the deadline over TCP: never before it times out).
    var nextRetransmit: Timestamp
    /// The current retransmission interval.
    var interval: Int64
    /// When the transaction times out.
    let deadline: Timestamp

    init(trunk: String, bytes: [UInt8], destination: TrunkEndpoint, now: Timestamp, isReliable: Bool = false) {
        self.trunk = trunk
        self.bytes = bytes
        self.destination = destination
        self.isReliable = isReliable
        self.interval = Self.t1
        self.deadline = Timestamp(milliseconds: now.milliseconds + Self.timerF)
        self.nextRetransmit = isReliable ? deadline : Timestamp(milliseconds: now.milliseconds + Self.t1)
    }

    /// Whether a retransmission is due at `now` (never over TCP).
    func isRetransmitDue(now: Timestamp) -> Bool { !isReliable && nextRetransmit <= now && now < deadline }

    /// After a retransmission at `now`: the interval doubles up to T2.
    mutating func retransmitted(now: Timestamp) {
        interval = min(interval * 2, Self.t2)
        nextRetransmit = Timestamp(milliseconds: now.milliseconds + interval)
    }

    /// After a provisional response at `now`: over UDP every T2 from now on; over TCP nothing changes.
    mutating func provisionalReceived(now: Timestamp) {
        guard !isReliable else { return }
        interval = Self.t2
        nextRetransmit = Timestamp(milliseconds: now.milliseconds + Self.t2)
    }
}
