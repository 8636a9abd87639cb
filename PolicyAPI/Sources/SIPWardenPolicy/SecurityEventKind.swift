/// The event kinds of schema version 1, as constants so a typo is a compile error
/// (docs/events.md says when each is produced). `SecurityEvent.kind` stays a plain string:
/// a later version may add kinds, and a plugin must ignore kinds it does not know.
public enum SecurityEventKind {
    /// A new binding was accepted.
    public static let registerAccepted = "register.accepted"
    /// An existing binding was refreshed.
    public static let registerRefreshed = "register.refreshed"
    /// A binding was removed by the phone (expires 0 or `Contact: *`).
    public static let registerRemoved = "register.removed"
    /// A binding lapsed without a refresh.
    public static let registerExpired = "register.expired"
    /// A binding was removed by the operator or replaced by another device.
    public static let registerForcedOut = "register.forced_out"
    /// A binding stopped answering keepalives (`keepalive.max_misses` in a row).
    public static let registerUnreachable = "register.unreachable"
    /// A binding marked unreachable answered a keepalive (or REGISTERed) again.
    public static let registerReachable = "register.reachable"
    /// A REGISTER was refused by registrar rules (max bindings, replace refused, too brief, a plugin's review).
    public static let registerRejected = "register.rejected"
    /// Wrong credentials for a known user.
    public static let authFailed = "auth.failed"
    /// Credentials for a user that does not exist.
    public static let authUnknownUser = "auth.unknown_user"
    /// A correct answer to an expired nonce, or a replayed nonce-count.
    public static let authStaleNonce = "auth.stale_nonce"
    /// A request without credentials got a 401 challenge.
    public static let authChallenged = "auth.challenged"
    /// A REGISTER came from outside the phone's allowed ranges.
    public static let aclDenied = "acl.denied"
    /// A message could not be parsed.
    public static let requestMalformed = "request.malformed"
    /// An OPTIONS from an address holding no binding (phones' keepalives are not events; this is
    /// how scanners map a network).
    public static let requestOptions = "request.options"
    /// A request for a method the registrar does not serve (answered 405 or 501).
    public static let requestUnsupported = "request.unsupported"
    /// A TCP connection closed because it sent no complete SIP message in time, or a source
    /// exceeded its connection limit.
    public static let transportJunk = "transport.junk"
    /// A plugin recognised a scanner.
    public static let scannerDetected = "scanner.detected"
    /// A plugin saw a source exceed its rate budget.
    public static let rateExceeded = "rate.exceeded"
    /// A plugin suspects an AOR is being taken over from another network.
    public static let hijackSuspected = "hijack.suspected"
    /// A ban came into force.
    public static let banAdded = "ban.added"
    /// A ban was lifted before its expiry.
    public static let banRemoved = "ban.removed"
    /// A ban reached its expiry.
    public static let banExpired = "ban.expired"
    /// An alert was raised: by a plugin, or by the alert engine (a registration figure left its band).
    public static let alertRaised = "alert.raised"
    /// A plugin threw or died and was disabled.
    public static let pluginFailed = "plugin.failed"
    /// A plugin with `enforce: false` decided a ban; it was reported, not applied (a dry run).
    public static let banWouldAdd = "ban.would_add"
    /// An exec plugin's command died and is started again after a backoff.
    public static let pluginRestarted = "plugin.restarted"
    /// An alert of the alert engine cleared: its figure is back in its band.
    public static let alertCleared = "alert.cleared"
    /// A web-console login with a wrong user name or password (counted by the brute-force
    /// policy like `auth.failed`).
    public static let consoleLoginFailed = "console.login_failed"
    // Issue 14, trunks (outbound registrations to carriers; docs/trunks.md).
    /// A trunk's registration was accepted by the carrier's registrar.
    public static let trunkRegistered = "trunk.registered"
    /// A trunk's REGISTER failed temporarily (timeout, 408, 5xx, 6xx, transport, DNS); retried with backoff.
    public static let trunkFailed = "trunk.failed"
    /// A trunk's credentials were refused twice; retried only slowly or on `trunk refresh`.
    public static let trunkRejected = "trunk.rejected"
    /// A trunk's binding was removed (disabled, removed, or the daemon stopped).
    public static let trunkUnregistered = "trunk.unregistered"
    /// An operator changed something through the control API (sipwardenctl, the web console,
    /// the TCP API): the audit line as an event, with who (`username`) and what (`detail`).
    public static let operatorChange = "operator.change"
    // Issue 10, bulk ban import.
    /// An operator's blocklist import was applied (one event for the whole list, not one `ban.added` per ban).
    public static let banImported = "ban.imported"

    /// Every kind of schema version 1.
    public static let all: [String] = [
        registerAccepted, registerRefreshed, registerRemoved, registerExpired, registerForcedOut, registerRejected,
        registerUnreachable, registerReachable,
        authFailed, authUnknownUser, authStaleNonce, authChallenged, aclDenied, requestMalformed,
        requestOptions, requestUnsupported, transportJunk,
        scannerDetected, rateExceeded, hijackSuspected, banAdded, banRemoved, banExpired, alertRaised, pluginFailed,
        banWouldAdd, pluginRestarted,
        alertCleared,
        consoleLoginFailed,
        trunkRegistered, trunkFailed, trunkRejected, trunkUnregistered,
        operatorChange,
        banImported,
    ]
}
