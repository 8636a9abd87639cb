import Registrar

/// A REGISTER in flight: retransmitted over UDP by RFC 3261 timer E (500 ms doubling to
/// 4 s; 4 s after a provisional response) until timer F (32 s) gives up.
struct TrunkPendingSend {
    /// RFC 3261 T1 and T2, and timer F = 64·T1, in milliseconds.
    static let t1: Int64 = 500
    static let t2: Int64 = 4000
    static let timerF: Int64 = 64 * 500

    /// The trunk's name.
    let trunk: String
    /// The datagram.
    let bytes: [UInt8]
    /// Where it goes.
    let destination: TrunkEndpoint
    /// When it is sent again.
    var nextRetransmit: Timestamp
    /// The current retransmission interval.
    var interval: Int64
    /// When the transaction times out.
    let deadline: Timestamp

    init(trunk: String, bytes: [UInt8], destination: TrunkEndpoint, now: Timestamp) {
        self.trunk = trunk
        self.bytes = bytes
        self.destination = destination
        self.interval = Self.t1
        self.nextRetransmit = Timestamp(milliseconds: now.milliseconds + Self.t1)
        self.deadline = Timestamp(milliseconds: now.milliseconds + Self.timerF)
    }
}
