/// The one client transaction a trunk has in flight.
struct TrunkTransaction: Hashable, Sendable {
    /// Why it was sent.
    enum Purpose: Hashable, Sendable {
        /// A registration or refresh.
        case register
        /// Removing the binding (Expires: 0), for this reason.
        case unregister(reason: String)
    }

    /// The Via branch.
    var branch: String
    /// The CSeq number.
    var cseq: UInt32
    var purpose: Purpose
    /// The Contact URI it registers (or removes).
    var contact: String
    /// A Contact it removes in the same request (the one before a NAT correction).
    var staleContact: String?
    /// Whether it carries an answer to a challenge received for this very attempt (a refusal
    /// of such an answer counts against the credentials; one with a cached nonce does not).
    var answersFreshChallenge: Bool
}
