import Registrar
import SIPCore

/// One outbound registration: the client side of RFC 3261 §10.2 as a pure state machine.
///
/// It never does I/O and never reads a clock: the caller passes `now` and a random number
/// generator in, sends the requests it returns in `TrunkAction.send` (one client transaction
/// at a time, retransmitted by the caller over UDP), and reports each transaction's final
/// response, timeout or transport error back. `nextDeadline` says when to call `tick`.
public struct TrunkClient: Sendable {
    /// What the operator configured.
    public internal(set) var settings: TrunkSettings
    /// The timing rules.
    public let timing: TrunkTiming
    /// The state and history shown to the operator.
    public internal(set) var status: TrunkStatus

    /// The Call-ID of every REGISTER of this trunk (RFC 3261 §10.2.4: the same for refreshes).
    public let callID: String
    let fromTag: String
    var cseq: UInt32 = 0
    /// Our socket's address, for the Via and the Contact; nil until the caller sets it.
    var local: TrunkAddress?
    /// How many resolved targets the caller has, and which one is in use.
    var targetCount = 1
    var target = 0
    /// Targets tried since the last success or backoff (failover on timeout and 503).
    var targetsTried = 0
    /// The expiry asked for: the configured one, raised by a 423's Min-Expires; never lowered
    /// by what a registrar granted.
    public internal(set) var requestedExpires: UInt32
    /// The last challenge, reused on refreshes with an increasing nonce count.
    var digest: TrunkDigest?
    /// Authentication refusals of the same credentials in a row.
    var authRejections = 0
    /// The transaction in flight.
    var pending: TrunkTransaction?
    /// The Contact URI the registrar holds for us, if any.
    var boundContact: String?
    /// Whether the trunk should be registered (not disabled).
    public internal(set) var isEnabled: Bool

    /// A trunk that, when `enabled`, sends its first REGISTER after a random delay of up to
    /// `timing.initialDelayMax` seconds.
    public init(
        settings: TrunkSettings, timing: TrunkTiming = .default, enabled: Bool, now: Timestamp,
        random: inout some RandomNumberGenerator
    ) {
        self.settings = settings
        self.timing = timing
        self.requestedExpires = settings.expires
        self.isEnabled = enabled
        self.callID = Self.token(&random) + Self.token(&random) + "@sipwarden"
        self.fromTag = Self.token(&random)
        self.status = TrunkStatus(state: enabled ? .registering : .disabled)
        if enabled {
            status.nextAttempt = now.advanced(byMilliseconds: Self.milliseconds(Self.unit(&random) * timing.initialDelayMax))
        }
    }

    /// When `tick` should next be called; nil while a transaction is in flight or nothing is due.
    public var nextDeadline: Timestamp? { pending == nil ? status.nextAttempt : nil }

    /// The branch of the transaction in flight.
    public var pendingBranch: String? { pending?.branch }

    /// Whether the transaction in flight is an un-REGISTER.
    public var isUnregistering: Bool {
        guard case .unregister? = pending?.purpose else { return false }
        return true
    }

    /// Tells the client its socket address and how many targets the registrar resolved to.
    public mutating func setTransport(local: TrunkAddress, targets: Int) {
        self.local = local
        targetCount = max(1, targets)
        if target >= targetCount { target = 0 }
    }

    /// The target in use (an index into the caller's resolved list).
    public var currentTarget: Int { target }

    /// Sends the REGISTER that is due at `now`, if any.
    public mutating func tick(now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard isEnabled, pending == nil, let due = status.nextAttempt, due <= now else { return [] }
        return register(now: now, random: &random)
    }

    /// Turns the trunk on: registers at once (at the next `tick` when the caller has not
    /// told the client its address yet, e.g. because the registrar did not resolve).
    public mutating func enable(now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard !isEnabled else { return [] }
        isEnabled = true
        resetAuthentication()
        status.state = .registering
        status.nextAttempt = now
        guard local != nil else { return [] }
        return tick(now: now, random: &random)
    }

    /// `trunk refresh`: forgets a rejection and the cached challenge and registers at once.
    public mutating func refresh(now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard isEnabled else { return [] }
        resetAuthentication()
        pending = nil
        status.nextAttempt = now
        guard local != nil else { return [] }
        return tick(now: now, random: &random)
    }

    /// New settings (credentials, expiry, ...): forgets a rejection and registers at once
    /// when enabled. The requested expiry restarts from the configured one.
    public mutating func update(settings: TrunkSettings, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        self.settings = settings
        requestedExpires = settings.expires
        return refresh(now: now, random: &random)
    }

    /// Turns the trunk off (disable, remove, daemon stop): un-REGISTERs the binding the
    /// registrar may hold, or reports `unregistered` at once when there is none.
    public mutating func disable(reason: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard isEnabled else { return [] }
        isEnabled = false
        status.state = .disabled
        status.nextAttempt = nil
        // A REGISTER in flight may have been accepted: remove its Contact too.
        let inFlight: String? = pending.flatMap { $0.purpose == .register ? $0.contact : nil }
        pending = nil
        let live = boundContact.flatMap { contact in (status.expiresAt.map { $0 > now } ?? false) ? contact : nil }
        guard let contact = live ?? inFlight else {
            boundContact = nil
            return [.event(.unregistered(reason: reason))]
        }
        return send(purpose: .unregister(reason: reason), contact: contact, staleContact: nil, now: now, random: &random)
    }

    /// The final response of the transaction in flight (`response` is ignored when its Call-ID,
    /// CSeq or branch belongs to another transaction, and for provisional responses).
    public mutating func receive(_ response: SIPResponse, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard let transaction = pending, response.statusCode >= 200, Self.matches(response, transaction, callID: callID) else {
            return []
        }
        pending = nil
        if case .unregister(let reason) = transaction.purpose {
            return unregisterAnswered(response, transaction: transaction, reason: reason, now: now, random: &random)
        }
        switch response.statusCode {
        case 200..<300:
            return registered(response, transaction: transaction, now: now, random: &random)
        case 401, 407:
            return challenged(response, transaction: transaction, now: now, random: &random)
        case 403:
            return authenticationRefused(code: 403, reason: Self.describe(response), now: now, random: &random)
        case 423:
            if let minimum = Self.minExpires(response), minimum > requestedExpires {
                requestedExpires = minimum
                return register(now: now, random: &random)
            }
            return failed(code: 423, reason: Self.describe(response) + " without a larger Min-Expires", retryAfter: nil, failover: false, now: now, random: &random)
        case 503:
            return failed(code: 503, reason: Self.describe(response), retryAfter: Self.retryAfter(response), failover: true, now: now, random: &random)
        default:
            return failed(code: response.statusCode, reason: Self.describe(response), retryAfter: Self.retryAfter(response), failover: false, now: now, random: &random)
        }
    }

    /// The transaction `branch` got no final response within timer F (or TCP's equivalent).
    public mutating func timedOut(branch: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        transactionFailed(branch: branch, reason: "timeout: no response", now: now, random: &random)
    }

    /// The transaction `branch` could not be sent (no route, connection refused, DNS failure).
    public mutating func transportFailed(branch: String, reason: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        transactionFailed(branch: branch, reason: "transport error: " + reason, now: now, random: &random)
    }

    /// The TCP connection to the registrar closed (or failed) with no transaction in flight:
    /// the flow the binding was registered over is gone, so a REGISTER goes out again after
    /// the backoff a transport error gets. Ignored while disabled or a transaction is in flight
    /// (that transaction's `transportFailed` covers it) and when nothing is registered or due soon.
    public mutating func connectionLost(reason: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard isEnabled, pending == nil, status.state == .registered else { return [] }
        return failed(code: nil, reason: "transport error: " + reason, retryAfter: nil, failover: false, now: now, random: &random)
    }

    /// Name resolution gave nothing: a temporary failure of the attempt due now.
    public mutating func resolutionFailed(reason: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard isEnabled, pending == nil else { return [] }
        return failed(code: nil, reason: "DNS: " + reason, retryAfter: nil, failover: false, now: now, random: &random)
    }

    private mutating func transactionFailed(branch: String, reason: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        guard let transaction = pending, transaction.branch == branch else { return [] }
        pending = nil
        if case .unregister(let why) = transaction.purpose {
            boundContact = nil
            return [.event(.unregistered(reason: why + " (un-REGISTER not confirmed: " + reason + ")"))]
        }
        return failed(code: nil, reason: reason, retryAfter: nil, failover: true, now: now, random: &random)
    }

    private mutating func resetAuthentication() {
        authRejections = 0
        digest = nil
    }
}
