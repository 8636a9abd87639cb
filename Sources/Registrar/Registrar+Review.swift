import SIPCore

extension Registrar {
    /// Finishes a REGISTER that waited for its review: refused, it changes nothing and
    /// reports the refusal; allowed, it is processed as if the reviewer had allowed it at once.
    /// The bindings are re-read now, so changes made meanwhile (another REGISTER of the same
    /// AOR) are taken into account. `.later` counts as allow.
    public mutating func finishRegister(_ pending: PendingRegister, verdict: RegisterReviewVerdict) -> RegisterOutcome {
        var context = pending.context
        switch verdict {
        case .refuse(let status, let reason, let kind, let detail):
            return RegisterOutcome(response: context.reply(status, reason), events: [
                RegistrarEvent(kind: kind, aor: pending.aor, username: context.username, contact: pending.review.contact, detail: detail),
            ])
        case .allow, .later:
            return update(aor: pending.aor, contacts: pending.contacts, expiresHeader: pending.expiresHeader, context: &context)
        }
    }
}
