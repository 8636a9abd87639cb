import Registrar
import SIPCore

/// Building the REGISTER requests.
extension TrunkClient {
    /// The Contact URI for `address` (our socket's, or the public one the registrar saw).
    func contactURI(at address: TrunkAddress) -> String {
        var uri = "sip:" + (settings.contactUser ?? settings.username) + "@" + address.description
        if settings.transport == .tcp { uri += ";transport=tcp" }
        return uri
    }

    /// The Contact to register now: at the learned public address when there is one.
    var currentContact: String? {
        guard let local else { return nil }
        return contactURI(at: status.publicAddress ?? local)
    }

    /// A REGISTER for the current Contact, removing a stale one (after a NAT correction, or
    /// the bound Contact when our address changed, e.g. a new TCP connection's port).
    mutating func register(now: Timestamp, random: inout some RandomNumberGenerator, staleContact: String? = nil) -> [TrunkAction] {
        guard let contact = currentContact else {
            return failed(code: nil, reason: "no local address to register from", retryAfter: nil, failover: false, now: now, random: &random)
        }
        let live = boundContact.flatMap { bound in (status.expiresAt.map { $0 > now } ?? false) && bound != contact ? bound : nil }
        return send(purpose: .register, contact: contact, staleContact: staleContact ?? live, now: now, random: &random)
    }

    /// Starts a transaction and returns the action that sends it. Pre-emptive credentials are
    /// added when a challenge is cached (refreshes answer the last nonce with nc + 1). Settings
    /// that cannot make a valid REGISTER reject the trunk (the operator must fix them).
    mutating func send(
        purpose: TrunkTransaction.Purpose, contact: String, staleContact: String?, now: Timestamp,
        random: inout some RandomNumberGenerator, answersFreshChallenge: Bool = false
    ) -> [TrunkAction] {
        cseq &+= 1
        let branch = "z9hG4bK" + Self.token(&random)
        let transaction = TrunkTransaction(
            branch: branch, cseq: cseq, purpose: purpose, contact: contact, staleContact: staleContact,
            answersFreshChallenge: answersFreshChallenge)
        status.nextAttempt = nil
        do {
            let request = try self.request(for: transaction, random: &random)
            pending = transaction
            return [.send(request, target: target)]
        } catch {
            pending = nil
            let reason = "the settings make an invalid REGISTER (" + error.description + "); fix the trunk's settings"
            if case .unregister(let why) = purpose { return [.event(.unregistered(reason: why + " (" + reason + ")"))] }
            status.state = .rejected
            status.lastFailure = now
            status.lastFailureCode = nil
            status.lastFailureReason = reason
            status.consecutiveFailures += 1
            return [.event(.rejected(code: 0, reason: reason))]
        }
    }

    /// The REGISTER of `transaction`.
    mutating func request(for transaction: TrunkTransaction, random: inout some RandomNumberGenerator) throws(SIPParseError) -> SIPRequest {
        let local = self.local ?? TrunkAddress(host: "0.0.0.0", port: 5060)
        let requestURI = SIPURI(scheme: settings.registrar.scheme, host: settings.registrar.host, port: settings.registrar.port)
        let aor = "<" + settings.aor + ">"
        var expires = requestedExpires
        if case .unregister = transaction.purpose { expires = 0 }
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/" + settings.transport.viaToken + " " + local.description + ";branch=" + transaction.branch + ";rport")
        headers.add("Max-Forwards", "70")
        if let proxy = settings.outboundProxy { headers.add("Route", "<" + proxy.description + ";lr>") }
        headers.add("From", aor + ";tag=" + fromTag)
        headers.add("To", aor)
        headers.add("Call-ID", callID)
        headers.add("CSeq", String(transaction.cseq) + " REGISTER")
        var contacts = "<" + transaction.contact + ">"
        if let stale = transaction.staleContact { contacts += ", <" + stale + ">;expires=0" }
        headers.add("Contact", contacts)
        headers.add("Expires", String(expires))
        if var digest {
            let cnonce = Self.token(&random)
            let value = digest.answer(
                username: settings.digestUsername, password: settings.password, method: "REGISTER",
                uri: requestURI.description, cnonce: cnonce)
            self.digest = digest
            headers.add(digest.headerName, value)
        }
        headers.add("User-Agent", "SIPWarden")
        let request = try SIPRequest(method: .register, uri: requestURI, headers: headers)
        _ = try request.contacts()
        return request
    }
}
