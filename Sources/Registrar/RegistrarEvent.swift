/// Something the registrar decided that security policy, history or an operator may care about.
///
/// The daemon adds time, source, transport and user agent and publishes it as a security event.
public struct RegistrarEvent: Hashable, Sendable {
    /// What happened.
    public var kind: Kind
    /// The address of record concerned, when known.
    public var aor: String?
    /// The digest username presented, when one was.
    public var username: String?
    /// The contact URI concerned, when one binding is meant.
    public var contact: String?
    /// A short machine-readable reason or detail ("wrong_password", "max_bindings").
    public var detail: String?

    /// Creates an event.
    public init(kind: Kind, aor: String? = nil, username: String? = nil, contact: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.aor = aor
        self.username = username
        self.contact = contact
        self.detail = detail
    }

    /// The event kinds the registrar produces; raw values are the security event schema's names.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A new binding was created.
        case registerAccepted = "register.accepted"
        /// An existing binding's expiry was renewed.
        case registerRefreshed = "register.refreshed"
        /// A binding was removed by the phone (expires=0 or `*`) or replaced.
        case registerRemoved = "register.removed"
        /// A binding lapsed.
        case registerExpired = "register.expired"
        /// An operator removed a binding.
        case registerForcedOut = "register.forced_out"
        /// A REGISTER was refused for a rule (max bindings, interval too brief, ordering, AOR).
        case registerRejected = "register.rejected"
        /// A REGISTER came from outside the phone's allowed ranges.
        case aclDenied = "acl.denied"
        /// Credentials were presented and were wrong.
        case authFailed = "auth.failed"
        /// Credentials named a user that does not exist.
        case authUnknownUser = "auth.unknown_user"
        /// Correct credentials answered an expired nonce; the phone was asked again (stale=true).
        case authStaleNonce = "auth.stale_nonce"
        /// A request was challenged (no credentials yet). Normal, and counted for rates.
        case authChallenged = "auth.challenged"
    }
}
