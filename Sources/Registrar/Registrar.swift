import SIPCore

/// RFC 3261 §10.3 REGISTER processing with the operator's rules, as pure logic.
///
/// `(request, source, now, state) -> (response, changes, events)`: no I/O, no clock, no
/// randomness of its own. The caller makes `changes` durable before sending the response.
public struct Registrar: Sendable {
    /// The rules in force.
    public private(set) var configuration: RegistrarConfiguration
    /// The bindings.
    public private(set) var location: LocationService
    /// The subscribers.
    public var directory: SubscriberDirectory
    /// Whether UDP responses always go to the source port, as if every client sent `rport`.
    public var forceRport: Bool
    private var authenticator: DigestAuthenticator

    /// Creates a registrar over loaded state. `secret` keys the stateless nonces.
    public init(
        configuration: RegistrarConfiguration, secret: [UInt8], bindings: [Binding] = [],
        subscribers: [Subscriber] = [], forceRport: Bool = true
    ) {
        self.configuration = configuration
        self.location = LocationService(bindings)
        self.directory = SubscriberDirectory(subscribers)
        self.forceRport = forceRport
        self.authenticator = DigestAuthenticator(secret: secret, nonceLifetime: configuration.nonceLifetime)
    }

    /// Processes one REGISTER that arrived from `source` over `transport` at `now`.
    /// `salt` is fresh randomness for the nonce and the To tag. `reviewer`, when given, is asked
    /// about every authenticated REGISTER that adds or refreshes bindings, before anything changes.
    /// `access`, when given, matches the source against the allowed ranges of the subscriber
    /// owning the AOR; with the subscriber's auth mode it decides before any challenge (an `ip`
    /// phone in its range is accepted unchallenged, a phone outside its ranges gets 403 and
    /// `acl.denied`). Without it every phone counts as having no ranges.
    public mutating func handleRegister(
        _ request: SIPRequest, source: SourceAddress, transport: Transport, now: Timestamp, salt: UInt64,
        reviewer: ((RegisterReview) -> RegisterReviewVerdict)? = nil,
        access: ((Subscriber, SourceAddress) -> SourceAccess)? = nil
    ) -> RegisterOutcome {
        var context = Context(
            request: request, source: source, transport: transport, now: now, salt: salt,
            configuration: configuration, codec: authenticator.codec, forceRport: forceRport
        )
        let unsupported = request.requireTags()
        if !unsupported.isEmpty {
            var response = context.reply(420)
            response.headers.add("Unsupported", unsupported.joined(separator: ", "))
            return RegisterOutcome(response: response)
        }
        guard request.to.uri.isSIP, let user = request.to.uri.user, !user.isEmpty else {
            return context.reject(400, "Invalid Address of Record", detail: "aor_not_sip", aor: nil)
        }
        let aor = request.to.uri.addressOfRecord
        let contacts: ContactList
        let expiresHeader: UInt32?
        do {
            contacts = try request.contacts()
            expiresHeader = try request.expires()
        } catch {
            return context.reject(400, "Bad Contact or Expires", detail: "malformed_contact", aor: aor)
        }

        var sourceIsProof = false
        let owner = directory.lookup(username: user, domain: request.to.uri.host)
        if let owner {
            switch AccessDecision(mode: owner.authMode, access: access?(owner, source) ?? .noRules) {
            case .authenticate: break
            case .acceptWithoutChallenge:
                sourceIsProof = true
                context.username = owner.username
            case .deny(let reason):
                return RegisterOutcome(response: context.reply(403, "Forbidden"), events: [
                    RegistrarEvent(kind: .aclDenied, aor: aor, username: owner.username, detail: reason),
                ])
            }
        }

        if sourceIsProof {
            // The source address (and port) proved who this is: no digest asked.
        } else if configuration.requireAuthentication {
            let credentials: [DigestCredentials]
            do { credentials = try request.digestCredentials() } catch {
                return context.reject(400, "Malformed Authorization", detail: "malformed_authorization", aor: aor)
            }
            let host = request.to.uri.host
            let realm = directory.servesDomain(host) ? host : configuration.realm
            let verdict = authenticator.verify(
                credentials: credentials, method: request.method.rawValue, realm: realm, domain: host,
                directory: directory, now: now
            )
            switch verdict {
            case .authenticated(let subscriber):
                guard subscriber.username == user else {
                    return context.reject(403, "Forbidden", detail: "aor_not_owned", aor: aor, username: subscriber.username)
                }
                context.username = subscriber.username
            case .challenge:
                return context.challenge(realm: realm, stale: false, event: RegistrarEvent(kind: .authChallenged, aor: aor))
            case .stale(let username):
                return context.challenge(realm: realm, stale: true, event: RegistrarEvent(kind: .authStaleNonce, aor: aor, username: username))
            case .failed(let username, let reason):
                return context.challenge(realm: realm, stale: false, event: RegistrarEvent(kind: .authFailed, aor: aor, username: username, detail: reason))
            case .unknownUser(let username):
                return context.challenge(realm: realm, stale: false, event: RegistrarEvent(kind: .authUnknownUser, aor: aor, username: username))
            }
        } else {
            context.username = user
        }

        switch contacts {
        case .wildcard:
            guard expiresHeader == 0 else {
                return context.reject(400, "Wildcard Contact Requires Expires: 0", detail: "wildcard_without_expires_zero", aor: aor)
            }
            return removeAll(aor: aor, context: &context)
        case .addresses(let list) where list.isEmpty:
            return context.okay(bindings: location.bindings(of: aor, now: now))
        case .addresses(let list):
            if let reviewer, let first = list.first, list.contains(where: { Self.requestedExpiry($0, header: expiresHeader, configuration: configuration) != 0 }) {
                let review = RegisterReview(
                    source: source, transport: transport, aor: aor, username: context.username ?? user,
                    userAgent: request.userAgent, contact: first.uri.description,
                    liveBindingSources: location.bindings(of: aor, now: now).map(\.source.address), now: now, owner: owner
                )
                switch reviewer(review) {
                case .allow: break
                case .refuse(let status, let reason, let kind, let detail):
                    return RegisterOutcome(response: context.reply(status, reason), events: [
                        RegistrarEvent(kind: kind, aor: aor, username: context.username, contact: first.uri.description, detail: detail),
                    ])
                case .later:
                    // Nothing changed: the caller asks the reviewer outside its lock, then `finishRegister`.
                    return RegisterOutcome(pending: PendingRegister(review: review, aor: aor, contacts: list, expiresHeader: expiresHeader, context: context))
                }
            }
            return update(aor: aor, contacts: list, expiresHeader: expiresHeader, context: &context)
        }
    }

    /// Removes every binding that lapsed by `now` and reports them.
    public mutating func expire(now: Timestamp) -> (changes: [BindingChange], events: [RegistrarEvent]) {
        let (changes, events, _) = expireReporting(now: now)
        return (changes, events)
    }

    /// Removes every binding that lapsed by `now` and reports them, with the bindings as they
    /// were (the daemon keeps them a while so an operator can see who dropped off).
    public mutating func expireReporting(now: Timestamp) -> (changes: [BindingChange], events: [RegistrarEvent], lapsed: [Binding]) {
        let lapsed = location.removeExpired(now: now)
        return (
            lapsed.map { .remove(aor: $0.aor, contactKey: $0.contactKey) },
            lapsed.map { RegistrarEvent(kind: .registerExpired, aor: $0.aor, contact: $0.contact) },
            lapsed
        )
    }

    /// Applies a new configuration. Lowering the binding limit prunes the oldest bindings of
    /// full AORs instead of locking their phones out; the removals are returned to persist.
    public mutating func reconfigure(_ newConfiguration: RegistrarConfiguration, now: Timestamp) -> (changes: [BindingChange], events: [RegistrarEvent]) {
        configuration = newConfiguration
        authenticator.setNonceLifetime(newConfiguration.nonceLifetime)
        var changes: [BindingChange] = []
        var events: [RegistrarEvent] = []
        let limit = max(1, newConfiguration.maxBindingsPerAOR)
        let byAOR = Dictionary(grouping: location.liveBindings(now: now), by: \.aor)
        for (aor, list) in byAOR where list.count > limit {
            for binding in list.sorted(by: Self.olderFirst).prefix(list.count - limit) {
                location.remove(aor: aor, contactKey: binding.contactKey)
                changes.append(.remove(aor: aor, contactKey: binding.contactKey))
                events.append(RegistrarEvent(kind: .registerRemoved, aor: aor, contact: binding.contact, detail: "max_bindings_lowered"))
            }
        }
        return (changes, events)
    }

    /// Removes these bindings (matched by AOR and contact key) at once, whatever their
    /// expiry: an operator's force-unregister, or the daemon dropping a phone that stopped
    /// answering keepalives. Returns the removals to persist and the bindings removed.
    public mutating func remove(bindings: [Binding]) -> (changes: [BindingChange], removed: [Binding]) {
        var removed: [Binding] = []
        for binding in bindings {
            if let gone = location.remove(aor: binding.aor, contactKey: binding.contactKey) { removed.append(gone) }
        }
        return (removed.map { .remove(aor: $0.aor, contactKey: $0.contactKey) }, removed)
    }

    // MARK: - §10.3 steps 6 to 8

    private mutating func removeAll(aor: String, context: inout Context) -> RegisterOutcome {
        let current = location.bindings(of: aor, now: context.now)
        for binding in current where binding.callID == context.request.callID && context.request.cseq.number <= binding.cseq {
            return context.reject(500, "Out of Order Request", detail: "cseq_out_of_order", aor: aor)
        }
        var changes: [BindingChange] = []
        var events: [RegistrarEvent] = []
        for binding in current {
            location.remove(aor: aor, contactKey: binding.contactKey)
            changes.append(.remove(aor: aor, contactKey: binding.contactKey))
            events.append(RegistrarEvent(kind: .registerRemoved, aor: aor, username: context.username, contact: binding.contact, detail: "unregistered"))
        }
        var outcome = context.okay(bindings: [])
        outcome.changes = changes
        outcome.events = events
        return outcome
    }

    mutating func update(aor: String, contacts: [NameAddress], expiresHeader: UInt32?, context: inout Context) -> RegisterOutcome {
        let now = context.now
        let request = context.request
        var current = location.bindings(of: aor, now: now)
        var wanted: [(contact: NameAddress, key: String, expires: UInt32, q: Int?)] = []
        for contact in contacts {
            guard let requested = Self.requestedExpiry(contact, header: expiresHeader, configuration: configuration) else {
                return context.reject(400, "Bad Contact Expires", detail: "malformed_contact", aor: aor)
            }
            if requested != 0 && requested < configuration.minExpires {
                var response = context.reply(423)
                response.headers.add("Min-Expires", String(configuration.minExpires))
                return RegisterOutcome(response: response, events: [
                    RegistrarEvent(kind: .registerRejected, aor: aor, username: context.username, contact: contact.uri.description, detail: "interval_too_brief"),
                ])
            }
            guard let q = Self.qThousandths(contact) else {
                return context.reject(400, "Bad q-value", detail: "malformed_contact", aor: aor)
            }
            let key = contact.uri.comparisonKey
            wanted.removeAll { $0.key == key }
            wanted.append((contact, key, min(requested, configuration.maxExpires), q))
        }
        for item in wanted {
            let existing = current.first { $0.contactKey == item.key } ?? Self.sameInstance(as: item.contact, in: current, except: wanted.map(\.key))
            if let existing, existing.callID == request.callID, request.cseq.number <= existing.cseq {
                return context.reject(500, "Out of Order Request", detail: "cseq_out_of_order", aor: aor)
            }
        }

        var changes: [BindingChange] = []
        var events: [RegistrarEvent] = []
        var touched = Set<String>()
        for item in wanted {
            touched.insert(item.key)
            var index = current.firstIndex { $0.contactKey == item.key }
            if index == nil, let previous = Self.sameInstance(as: item.contact, in: current, except: wanted.map(\.key)),
               let previousIndex = current.firstIndex(where: { $0.contactKey == previous.contactKey }) {
                // RFC 5626 §6: the same device (instance, reg-id) from a new Contact URI, as after
                // a NAT rebinding, replaces its old binding instead of adding one (and its
                // expires=0 removes it).
                changes.append(.remove(aor: aor, contactKey: previous.contactKey))
                events.append(RegistrarEvent(
                    kind: .registerRemoved, aor: aor, username: context.username, contact: previous.contact,
                    detail: item.expires == 0 ? "unregistered" : "instance_rebound"))
                if item.expires == 0 {
                    current.remove(at: previousIndex)
                    continue
                }
                index = previousIndex
            }
            if item.expires == 0 {
                if let index {
                    let gone = current.remove(at: index)
                    changes.append(.remove(aor: aor, contactKey: item.key))
                    events.append(RegistrarEvent(kind: .registerRemoved, aor: aor, username: context.username, contact: gone.contact, detail: "unregistered"))
                }
                continue
            }
            let binding = context.makeBinding(aor: aor, contact: item.contact, key: item.key, expires: item.expires, q: item.q,
                                               registeredAt: index.map { current[$0].registeredAt })
            if let index {
                current[index] = binding
                events.append(RegistrarEvent(kind: .registerRefreshed, aor: aor, username: context.username, contact: binding.contact))
            } else {
                current.append(binding)
                events.append(RegistrarEvent(kind: .registerAccepted, aor: aor, username: context.username, contact: binding.contact))
            }
            changes.append(.upsert(binding))
        }

        let limit = max(1, configuration.maxBindingsPerAOR)
        if current.count > limit {
            let added = current.filter { binding in touched.contains(binding.contactKey) }.count
            guard configuration.whenFull == .replaceOldest, added <= limit else {
                return context.reject(403, "Maximum Bindings Reached", detail: "max_bindings", aor: aor)
            }
            let evictable = current.filter { !touched.contains($0.contactKey) }.sorted(by: Self.olderFirst)
            for victim in evictable.prefix(current.count - limit) {
                current.removeAll { $0.contactKey == victim.contactKey }
                changes.append(.remove(aor: aor, contactKey: victim.contactKey))
                events.append(RegistrarEvent(kind: .registerRemoved, aor: aor, username: context.username, contact: victim.contact, detail: "replaced"))
            }
        }
        for change in changes { location.apply(change) }
        var outcome = context.okay(bindings: current)
        outcome.changes = changes
        outcome.events = events
        return outcome
    }

    /// The binding in `current` of the device `contact` names with `+sip.instance` (and
    /// `reg-id`), registered under another Contact URI than the request's (`except`: the keys
    /// the request names itself); nil when the contact names no instance.
    static func sameInstance(as contact: NameAddress, in current: [Binding], except keys: [String]) -> Binding? {
        guard let instance = Binding.instance(in: contact.parameters) else { return nil }
        let regID = contact.parameters["reg-id"] ?? nil
        return current.first { !keys.contains($0.contactKey) && $0.isSameInstance(instance, regID: regID) }
    }

    /// The expiry a contact asks for: its `expires` parameter, else the Expires header, else
    /// the default. Overlarge values count as the maximum; nil means unparseable.
    static func requestedExpiry(_ contact: NameAddress, header: UInt32?, configuration: RegistrarConfiguration) -> UInt32? {
        guard let parameter = contact.parameters["expires"] else { return header ?? configuration.defaultExpires }
        guard let text = parameter, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt32(text) ?? UInt32.max
    }

    /// The contact's q-value in thousandths, `.some(nil)` when absent, nil when malformed.
    static func qThousandths(_ contact: NameAddress) -> Int?? {
        guard let parameter = contact.parameters["q"] else { return .some(nil) }
        guard let text = parameter, let value = QValue.parse(text) else { return nil }
        return .some(value)
    }

    static func olderFirst(_ a: Binding, _ b: Binding) -> Bool {
        a.updatedAt == b.updatedAt ? a.registeredAt < b.registeredAt : a.updatedAt < b.updatedAt
    }
}
