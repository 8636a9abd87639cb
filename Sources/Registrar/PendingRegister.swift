import SIPCore

/// A REGISTER that passed authentication and waits for its review (the security policy's
/// answer), with nothing changed yet: made by ``Registrar/handleRegister(_:source:transport:now:salt:reviewer:access:)``
/// when the reviewer answers ``RegisterReviewVerdict/later``, finished by
/// ``Registrar/finishRegister(_:verdict:)``. So the policy plugins run outside the lock that
/// guards the registrar, and may call back into the daemon.
public struct PendingRegister: Sendable {
    /// What the reviewer is asked about.
    public let review: RegisterReview
    let aor: String
    let contacts: [NameAddress]
    let expiresHeader: UInt32?
    var context: Registrar.Context
}
