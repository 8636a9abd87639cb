import Configuration
import Logging
import PluginHost
import Registrar
import SIPCore
import SIPWardenPolicy
import Store
import Synchronization

/// Turns received SIP bytes into responses: parsing, retransmission absorption, the
/// registrar, durable commits before 200 OK, and security events.
///
/// Transports call `process` from any event loop; the registrar's state sits behind one lock,
/// held only for the decision itself (parsing and serializing happen outside it).
public final class SIPService: Sendable {
    /// Sends response bytes to an address (UDP) or down the connection (TCP).
    typealias Sender = @Sendable (_ bytes: [UInt8], _ destination: SourceAddress) -> Void

    struct State: Sendable {
        var registrar: Registrar
        /// Every phone's allowed ranges (`sipwardenctl allow`), read by each REGISTER.
        var allowedRanges = AllowedRangeTable()
    }

    /// The registrar lock.
    let state: Mutex<State>
    /// Recent server transactions, behind a lock of their own: the committer's thread records
    /// each 200 OK here without waiting for the registrar lock. Lock order: `state`, then
    /// `transactions` (a REGISTER begins its transaction inside the registrar's decision).
    let transactions: Mutex<TransactionCache>
    let security: SecurityCoordinator
    /// Open TCP connections by peer, for keepalive pings.
    let tcpConnections = TCPConnectionRegistry()
    /// Open TCP connections per address (`transport.tcp_max_connections_per_source`).
    let tcpSources: TCPSourceLimiter
    /// Seconds a TCP connection has to send its first complete message (`transport.tcp_first_message_timeout`); 0: no limit.
    let tcpFirstMessageTimeout: Int64
    /// NAT keepalive and reachability; it sees the responses to its probes.
    let keepalive: KeepaliveMonitor
    /// Bindings that ended recently (`registrations list --status expired`).
    let ended: EndedBindings
    let committer: GroupCommitter
    /// Challenge and To-tag salts, read from the kernel in blocks.
    private let salts = SaltSource()
    private let limits: SIPParserLimits
    private let logger: Logger
    private let serverHeader: String?
    private let forceRport: Bool

    static let allowedMethods = "REGISTER, OPTIONS"

    /// Creates the service over `registrar` (restored from the store), committing binding
    /// changes through `committer` before each 200 OK and handing events to `security`.
    public init(registrar: Registrar, committer: GroupCommitter, security: SecurityCoordinator, configuration: DaemonConfiguration, logger: Logger) {
        self.security = security
        self.state = Mutex(State(registrar: registrar))
        self.transactions = Mutex(TransactionCache(lifetimeSeconds: configuration.transactionLifetime))
        self.committer = committer
        self.keepalive = KeepaliveMonitor(configuration: configuration.keepalive, logger: logger)
        self.ended = EndedBindings(retentionSeconds: configuration.expiredRetention)
        var limits = SIPParserLimits.default
        limits.maxMessageSize = configuration.maxMessageSize
        self.limits = limits
        self.logger = logger
        self.serverHeader = configuration.registrar.serverHeader
        self.forceRport = configuration.forceRport
        self.tcpSources = TCPSourceLimiter(maximum: configuration.tcpMaxConnectionsPerSource)
        self.tcpFirstMessageTimeout = configuration.tcpFirstMessageTimeout
    }

    /// Handles one datagram or one framed stream message from `source`. Banned sources are
    /// dropped and the admission plugins asked before a byte is parsed.
    func process(_ bytes: UnsafeRawBufferPointer, source: SourceAddress, transport: Transport, send: @escaping Sender) {
        var retryAfter: Int?
        if security.isBlocked(source.address) { return }
        if let plugins = security.plugins {
            switch plugins.admit(PacketInfo(source: source.address, sourcePort: source.port, transport: transport.rawValue, size: bytes.count)) {
            case .accept: break
            case .drop: return
            case .reject(let seconds): retryAfter = seconds
            }
        }
        // A datagram of nothing but line ends is a NAT keepalive (linphone sends CRLF or CRLFCRLF
        // every 30 s), not a malformed message: ignored without an event (admission above still
        // counted it, so a flood of them is still rate limited).
        if transport == .udp, Self.isKeepalive(bytes) { return }
        // A UDP retransmission is the same bytes from the same source: absorbed (its
        // transaction is pending) or answered again (completed) before any parsing.
        var fingerprint: UInt64?
        if transport == .udp {
            let print = Self.fingerprint(bytes, source: source)
            if let (state, destination) = transactions.withLock({ $0.replay(of: print) }) {
                if case .completed(let response) = state { send(response, destination) }
                return
            }
            fingerprint = print
        }
        let message: SIPMessage
        do {
            message = try SIPParser.parse(bytes, limits: limits, isStream: transport == .tcp)
        } catch {
            rejectMalformed(error, source: source, transport: transport, send: send)
            return
        }
        let request: SIPRequest
        switch message {
        case .request(let parsed): request = parsed
        case .response(let response):
            keepalive.handle(response, from: source, service: self)  // answers to our keepalives; others are ignored
            return
        }
        if let retryAfter {
            guard request.method != .ack else { return }
            var response = reply(request, 503, source: source, salt: 0)
            response.headers.add("Retry-After", String(retryAfter))
            send(response.serialize(), ResponseFactory.destination(for: request, source: source, transport: transport, forceRport: forceRport))
            return
        }
        process(request, source: source, transport: transport, fingerprint: fingerprint, send: send)
    }

    /// A keyed hash (the process's random `Hasher` seed) of a datagram and its source: equal
    /// for a retransmission, unpredictable to a sender.
    static func fingerprint(_ bytes: UnsafeRawBufferPointer, source: SourceAddress) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(source)
        hasher.combine(bytes.count)
        hasher.combine(bytes: bytes)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    /// Whether a datagram is a keepalive: empty, or only CR and LF bytes.
    static func isKeepalive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 == 0x0D || $0 == 0x0A }
    }

    /// Records a `transport.junk` event: a TCP connection closed for what it did (or did not) send.
    func recordJunk(source: SourceAddress, detail: String) {
        security.record([SecurityEvent(
            timeMilliseconds: SystemClock.now().milliseconds, kind: SecurityEventKind.transportJunk, sourceIP: source.ip,
            sourcePort: source.port, transport: Transport.tcp.rawValue, detail: detail
        )])
        logger.debug("junk TCP connection closed", metadata: ["source": "\(source)", "detail": "\(detail)"])
    }

    /// Whether a TCP connection from `address` may stay open.
    func admitsConnection(from address: IPAddress) -> Bool { !security.isBlocked(address) }

    /// Records a `request.malformed` event and answers 400 (or 505) when the reply can be addressed.
    func rejectMalformed(_ error: SIPParseError, source: SourceAddress, transport: Transport, send: Sender) {
        security.record([SecurityEvent(
            timeMilliseconds: SystemClock.now().milliseconds, kind: "request.malformed", sourceIP: source.ip,
            sourcePort: source.port, transport: transport.rawValue, detail: error.description
        )])
        logger.debug("malformed SIP message", metadata: ["source": "\(source)", "error": "\(error)"])
        if let context = error.responseContext {
            send(context.response(statusCode: error.suggestedStatus, reasonPhrase: nil), source)
        }
    }

    private func process(_ request: SIPRequest, source: SourceAddress, transport: Transport, fingerprint: UInt64?, send: @escaping Sender) {
        if request.method == .ack { return }
        let destination = ResponseFactory.destination(for: request, source: source, transport: transport, forceRport: forceRport)
        let key = TransactionCache.Key(request: request, source: source)
        let now = SystemClock.now()
        // Only a REGISTER can have been challenged: other requests skip the seed's lookup.
        let isRegister = request.method == .register
        let (known, seed) = transactions.withLock { ($0.state(of: key), isRegister ? $0.challengeSeed(of: key, now: now) : nil) }
        switch known {
        case .pending: return
        case .completed(let bytes):
            send(bytes, destination)
            return
        case nil: break
        }
        guard request.uri.isSIP else {
            send(reply(request, 416, source: source, salt: 0).serialize(), destination)
            return
        }
        if request.method != .register, request.method != .cancel {
            let unsupported = request.requireTags()
            if !unsupported.isEmpty {
                var response = reply(request, 420, source: source, salt: 0)
                response.headers.add("Unsupported", unsupported.joined(separator: ", "))
                send(response.serialize(), destination)
                return
            }
        }
        switch request.method {
        case .register:
            // A retransmission of a challenged REGISTER is decided again from the same seed (its
            // salt and time), so it gets the same 401 (same nonce and To tag), as a cached
            // response would be.
            register(request, key: key, source: source, destination: destination, transport: transport, now: seed?.time ?? now,
                     seed: seed, fingerprint: fingerprint, send: send)
        case .options:
            // Phones' keepalives are not events; an OPTIONS from an address holding no binding
            // (how scanners map a network) is.
            if state.withLock({ $0.registrar.location.bindingCount(from: source.address) }) == 0 {
                security.record([requestEvent("request.options", request, source: source, transport: transport, now: now)])
            }
            var response = reply(request, 200, source: source, salt: salts.next())
            response.headers.add("Allow", Self.allowedMethods)
            response.headers.add("Accept", "application/sdp")
            send(response.serialize(), destination)
        case .cancel:
            send(reply(request, 481, source: source, salt: 0).serialize(), destination)
        case .extension:
            security.record([requestEvent("request.unsupported", request, source: source, transport: transport, now: now)])
            var response = reply(request, 501, source: source, salt: 0)
            response.headers.add("Allow", Self.allowedMethods)
            send(response.serialize(), destination)
        default:
            security.record([requestEvent("request.unsupported", request, source: source, transport: transport, now: now)])
            var response = reply(request, 405, source: source, salt: 0)
            response.headers.add("Allow", Self.allowedMethods)
            send(response.serialize(), destination)
        }
    }

    private func register(
        _ request: SIPRequest, key: TransactionCache.Key, source: SourceAddress, destination: SourceAddress,
        transport: Transport, now: Timestamp, seed: TransactionCache.ChallengeSeed?, fingerprint: UInt64?, send: @escaping Sender
    ) {
        let started = ContinuousClock.now
        let salt = seed?.salt ?? salts.next()
        let plugins = security.plugins
        // Submitted under the lock so the database sees changes in the order memory did.
        let submit = { [self] (outcome: RegisterOutcome) in
            guard !outcome.changes.isEmpty else { return }
            let response = outcome.response
            committer.submit(outcome.changes) { [self] error in
                let status = finishCommit(response: response, error: error, request: request, key: key, source: source,
                                          destination: destination, send: send)
                security.statistics.registerAnswered(status: status, started: started, nowSeconds: now.seconds)
            }
        }
        let (decided, allowed) = state.withLock { state -> (RegisterOutcome, [IPRange]) in
            // The table is a value: these closures see the rules in force for this request.
            let ranges = state.allowedRanges
            // With plugins loaded the review waits (`.later`): they run below, outside this lock,
            // so a plugin may call the host (`liveBindingCount` takes this lock) and a slow one
            // delays only its own REGISTER. See PolicyPlugin's threading rules.
            let outcome = state.registrar.handleRegister(
                request, source: source, transport: transport, now: now, salt: salt,
                reviewer: plugins.map { _ in { (_: RegisterReview) -> RegisterReviewVerdict in .later } },
                access: { subscriber, source in ranges.access(of: subscriber, from: source) })
            // Begun for a pending review too: a retransmission meanwhile is absorbed, not re-authenticated.
            // A challenge keeps only its seed (bounded apart: anyone can make 401s).
            if outcome.response.statusCode != 401 {
                transactions.withLock { cache in
                    cache.begin(key, now: now)
                    if let fingerprint { cache.remember(fingerprint: fingerprint, of: key, destination: destination, now: now) }
                }
            } else if seed == nil {
                transactions.withLock { $0.challenged(key, seed: TransactionCache.ChallengeSeed(salt: salt, time: now)) }
            }
            // The registrar already found the AOR's owner: its ranges go to the plugins.
            let allowed = outcome.pending?.review.owner.map { ranges.rules(username: $0.username, domain: $0.domain).map(\.range) } ?? []
            if outcome.pending == nil { submit(outcome) }
            return (outcome, allowed)
        }
        var outcome = decided
        if let pending = decided.pending, let plugins {
            let verdict = Self.review(pending.review, allowedRanges: allowed, with: plugins)  // no lock held
            outcome = state.withLock { state in
                let outcome = state.registrar.finishRegister(pending, verdict: verdict)
                submit(outcome)
                return outcome
            }
        }
        security.record(outcome.events.map { Self.securityEvent($0, request: request, source: source, transport: transport, now: now) })
        guard outcome.changes.isEmpty else { return }
        let bytes = outcome.response.serialize()
        if outcome.response.statusCode != 401 { transactions.withLock { $0.complete(key, response: bytes) } }
        send(bytes, destination)
        security.statistics.registerAnswered(status: outcome.response.statusCode, started: started, nowSeconds: now.seconds)
    }

    /// Sends the response once its changes are durable (or a 500 when they are not); returns the status sent.
    @discardableResult
    private func finishCommit(
        response: SIPResponse, error: (any Error)?, request: SIPRequest, key: TransactionCache.Key,
        source: SourceAddress, destination: SourceAddress, send: Sender
    ) -> Int {
        if let error {
            logger.error("binding change not persisted; answering 500", metadata: ["aor": "\(request.to.uri.addressOfRecord)", "error": "\(error)"])
            transactions.withLock { $0.forget(key) }
            var failure = reply(request, 500, source: source, salt: 0)
            failure.headers.add("Retry-After", "5")
            send(failure.serialize(), destination)
            return 500
        }
        let bytes = response.serialize()
        transactions.withLock { $0.complete(key, response: bytes) }
        send(bytes, destination)
        return response.statusCode
    }

    /// Removes lapsed bindings and persists their removal; sweeps lapsed bans too. Blocks
    /// (the store, the firewall): call it off the event loops.
    public func sweep() {
        BlockingWork.assertOffEventLoop("the sweep")
        let now = SystemClock.now()
        let events = state.withLock { state -> [RegistrarEvent] in
            let (changes, events, lapsed) = state.registrar.expireReporting(now: now)
            guard !changes.isEmpty else { return [] }
            ended.record(lapsed, reason: "expired", now: now)
            committer.submit(changes) { [logger] error in
                if let error { logger.error("expired bindings not removed from the store", metadata: ["error": "\(error)"]) }
            }
            return events
        }
        security.record(events.map { event in
            SecurityEvent(timeMilliseconds: now.milliseconds, kind: event.kind.rawValue, sourceIP: "", sourcePort: 0,
                          transport: "", aor: event.aor, contact: event.contact)
        })
        security.sweepBans()
    }

    /// How many live bindings were registered from `ip` (what `PolicyHost.liveBindingCount`
    /// answers the plugins). Takes the registrar lock briefly: safe from any thread that does
    /// not hold it, which is every thread a plugin runs on (reviews run outside the lock).
    public func liveBindingCount(from address: IPAddress) -> Int {
        state.withLock { $0.registrar.location.bindingCount(from: address) }
    }

    /// One keepalive round (`keepalive.*`): probes the bindings due and marks or removes the
    /// silent ones. Call it every `keepalive.interval` seconds when keepalives are enabled,
    /// off the event loops (it scans every live binding).
    public func keepaliveRound() {
        BlockingWork.assertOffEventLoop("the keepalive round")
        keepalive.tick(service: self)
    }

    /// Asks the policy plugins about an authenticated REGISTER (allowlists, hijack guard).
    static func review(_ review: RegisterReview, allowedRanges: [IPRange] = [], with plugins: PluginHost) -> RegisterReviewVerdict {
        let attempt = RegisterAttempt(
            source: review.source.address, sourcePort: review.source.port, transport: review.transport.rawValue, aor: review.aor,
            username: review.username, userAgent: review.userAgent, contact: review.contact,
            liveBindingSources: review.liveBindingSources, allowedRanges: allowedRanges,
            timeMilliseconds: review.now.milliseconds
        )
        switch plugins.review(attempt) {
        case .allow: return .allow
        case .refuse(let status, let reason): return .refuse(status: status, reason: reason, eventKind: .aclDenied, detail: reason)
        }
    }

    private func reply(_ request: SIPRequest, _ status: Int, source: SourceAddress, salt: UInt64) -> SIPResponse {
        ResponseFactory.response(
            to: request, statusCode: status, source: source,
            toTag: salt == 0 ? "sw" : String(salt & 0xFFFF_FFFF_FFFF, radix: 16), serverHeader: serverHeader,
            forceRport: forceRport
        )
    }

    /// An event about a request that is not a REGISTER (its method is the detail).
    private func requestEvent(_ kind: String, _ request: SIPRequest, source: SourceAddress, transport: Transport, now: Timestamp) -> SecurityEvent {
        SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: kind, sourceIP: source.ip, sourcePort: source.port, transport: transport.rawValue,
            aor: request.to.uri.isSIP ? request.to.uri.addressOfRecord : nil, userAgent: request.userAgent, detail: request.method.rawValue
        )
    }

    static func securityEvent(_ event: RegistrarEvent, request: SIPRequest, source: SourceAddress, transport: Transport, now: Timestamp) -> SecurityEvent {
        SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: event.kind.rawValue, sourceIP: source.ip, sourcePort: source.port,
            transport: transport.rawValue, aor: event.aor, username: event.username, userAgent: request.userAgent,
            contact: event.contact, detail: event.detail
        )
    }
}
