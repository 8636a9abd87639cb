import SIPWardenPolicy

/// A (source address, account) pair: the key of a per-AOR REGISTER budget.
struct AORKey: Hashable, Sendable {
    /// The source address.
    var address: IPAddress
    /// The AOR, or the digest username when the event names no AOR.
    var account: String
}
