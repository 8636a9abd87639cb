import Registrar
import SIPCore

/// What each final response does.
extension TrunkClient {
    /// A 2xx: the binding holds for what the registrar granted; a refresh is scheduled, or a
    /// corrected Contact is registered at once when the Via shows a different public address.
    mutating func registered(
        _ response: SIPResponse, transaction: TrunkTransaction, now: Timestamp, random: inout some RandomNumberGenerator
    ) -> [TrunkAction] {
        let granted = grantedExpires(response, contact: transaction.contact)
        guard granted > 0 else {
            return failed(code: response.statusCode, reason: Self.describe(response) + " granting no expiry for our Contact", retryAfter: nil, failover: false, now: now, random: &random)
        }
        let wasRegistered = status.state == .registered && boundContact == transaction.contact
        boundContact = transaction.contact
        authRejections = 0
        targetsTried = 0
        status.state = .registered
        status.grantedExpires = granted
        status.expiresAt = now.adding(seconds: Int64(granted))
        status.lastSuccess = now
        status.consecutiveFailures = 0
        status.contact = transaction.contact
        if let seen = Self.publicAddress(response), let local {
            let differs = seen != local
            let learned: TrunkAddress? = differs ? seen : nil
            if learned != status.publicAddress {
                status.publicAddress = learned
                if let corrected = currentContact, corrected != transaction.contact {
                    return register(now: now, random: &random, staleContact: transaction.contact)
                }
            }
        }
        status.nextAttempt = now.advanced(byMilliseconds: Self.milliseconds(refreshDelay(granted: granted, random: &random)))
        return wasRegistered ? [] : [.event(.registered(expires: granted, contact: transaction.contact))]
    }

    /// A 401 or 407: answer the challenge, unless these credentials were just refused.
    mutating func challenged(
        _ response: SIPResponse, transaction: TrunkTransaction, now: Timestamp, random: inout some RandomNumberGenerator
    ) -> [TrunkAction] {
        let isProxy = response.statusCode == 407
        guard let challenge = Self.challenge(response, isProxy: isProxy) else {
            return authenticationRefused(code: response.statusCode, reason: Self.describe(response) + " without a usable Digest challenge", now: now, random: &random)
        }
        if let realm = settings.realm, realm != challenge.realm {
            return authenticationRefused(code: response.statusCode, reason: Self.describe(response) + " for realm \"" + challenge.realm + "\", not the configured \"" + realm + "\"", now: now, random: &random)
        }
        if transaction.answersFreshChallenge && !challenge.stale {
            authRejections += 1
            if authRejections >= 2 {
                return rejected(code: response.statusCode, reason: Self.describe(response) + ": the registrar refused the credentials of " + settings.digestUsername + " twice (realm \"" + challenge.realm + "\")", now: now, random: &random)
            }
        }
        digest = TrunkDigest(challenge: challenge, isProxy: isProxy)
        return send(purpose: transaction.purpose, contact: transaction.contact, staleContact: transaction.staleContact, now: now, random: &random, answersFreshChallenge: true)
    }

    /// A refusal of the credentials (403, or a challenge that cannot be answered): the second in a row rejects.
    mutating func authenticationRefused(code: Int, reason: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        authRejections += 1
        digest = nil
        if authRejections >= 2 { return rejected(code: code, reason: reason + " (twice)", now: now, random: &random) }
        return failed(code: code, reason: reason, retryAfter: nil, failover: false, now: now, random: &random)
    }

    /// Permanent until `trunk refresh`, new credentials, or `rejectedRetry` seconds.
    mutating func rejected(code: Int, reason: String, now: Timestamp, random: inout some RandomNumberGenerator) -> [TrunkAction] {
        status.state = .rejected
        status.lastFailure = now
        status.lastFailureCode = code
        status.lastFailureReason = reason
        status.consecutiveFailures += 1
        authRejections = 0
        digest = nil
        let jitter = Self.unit(&random) * timing.rejectedRetry * 0.1
        status.nextAttempt = now.advanced(byMilliseconds: Self.milliseconds(timing.rejectedRetry + jitter))
        return [.event(.rejected(code: code, reason: reason))]
    }

    /// A temporary failure: the next target at once when `failover` and one is left untried,
    /// else backoff. Not a rejection: the trunk keeps trying forever.
    mutating func failed(
        code: Int?, reason: String, retryAfter: UInt32?, failover: Bool, now: Timestamp, random: inout some RandomNumberGenerator
    ) -> [TrunkAction] {
        status.lastFailure = now
        status.lastFailureCode = code
        status.lastFailureReason = reason
        status.consecutiveFailures += 1
        status.state = .retrying
        let event = TrunkAction.event(.failed(code: code, reason: reason))
        targetsTried += 1
        if failover, targetsTried < targetCount {
            target = (target + 1) % targetCount
            digest = nil
            return [event] + register(now: now, random: &random)
        }
        targetsTried = 0
        if failover, targetCount > 1 { target = (target + 1) % targetCount }
        let delay = backoffDelay(failures: status.consecutiveFailures, retryAfter: retryAfter, random: &random)
        status.nextAttempt = now.advanced(byMilliseconds: Self.milliseconds(delay))
        return [event]
    }

    /// The answer to an un-REGISTER: done, after answering one challenge.
    mutating func unregisterAnswered(
        _ response: SIPResponse, transaction: TrunkTransaction, reason: String, now: Timestamp, random: inout some RandomNumberGenerator
    ) -> [TrunkAction] {
        if (response.statusCode == 401 || response.statusCode == 407), !transaction.answersFreshChallenge,
            let challenge = Self.challenge(response, isProxy: response.statusCode == 407)
        {
            digest = TrunkDigest(challenge: challenge, isProxy: response.statusCode == 407)
            return send(purpose: transaction.purpose, contact: transaction.contact, staleContact: nil, now: now, random: &random, answersFreshChallenge: true)
        }
        boundContact = nil
        status.expiresAt = nil
        guard (200..<300).contains(response.statusCode) else {
            return [.event(.unregistered(reason: reason + " (un-REGISTER answered " + Self.describe(response) + ")"))]
        }
        return [.event(.unregistered(reason: reason))]
    }

    // MARK: - Reading responses

    /// Whether `response` answers `transaction`: same Call-ID, CSeq and top Via branch.
    static func matches(_ response: SIPResponse, _ transaction: TrunkTransaction, callID: String) -> Bool {
        guard response.callID == callID, let cseq = response.cseq, cseq.number == transaction.cseq, cseq.method == .register else {
            return false
        }
        guard let top = response.headers.values("Via").first, let via = try? Via.parse(top) else { return false }
        return via.branch == transaction.branch
    }

    /// What the registrar granted our Contact: its `expires` parameter in the 200's Contact
    /// list, else the Expires header, else 3600 (RFC 3261 §10.2.4's default).
    func grantedExpires(_ response: SIPResponse, contact: String) -> UInt32 {
        let ours = try? SIPURI.parse(contact)
        for value in response.headers.values("Contact") {
            guard let address = try? NameAddress.parse(value), let ours, Self.sameBinding(address.uri, ours) else { continue }
            if let text = address.parameters["expires"] ?? nil, let seconds = UInt32(text) { return seconds }
        }
        if let text = response.headers.first("Expires"), let seconds = UInt32(QuotedString.trimmed(Substring(text))) { return seconds }
        return 3600
    }

    /// Same user, host and port (5060 when absent): the registrar may rewrite parameters.
    static func sameBinding(_ a: SIPURI, _ b: SIPURI) -> Bool {
        a.user == b.user && bare(a.host) == bare(b.host) && (a.port ?? 5060) == (b.port ?? 5060)
    }

    /// A host without IPv6 brackets, lower-cased.
    static func bare(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    /// The address the registrar saw us at: the top Via's `received` and `rport` (RFC 3581),
    /// nil when it filled in neither.
    static func publicAddress(_ response: SIPResponse) -> TrunkAddress? {
        guard let top = response.headers.values("Via").first, let via = try? Via.parse(top) else { return nil }
        guard via.received != nil || via.rport != nil else { return nil }
        return TrunkAddress(host: bare(via.received ?? via.host), port: via.rport ?? via.port ?? 5060)
    }

    /// The first Digest challenge of a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate).
    static func challenge(_ response: SIPResponse, isProxy: Bool) -> DigestChallenge? {
        for value in response.headers.lines(isProxy ? "Proxy-Authenticate" : "WWW-Authenticate") {
            if let challenge = try? DigestChallenge.parse(headerValue: Substring(value)) { return challenge }
        }
        return nil
    }

    /// The Min-Expires of a 423.
    static func minExpires(_ response: SIPResponse) -> UInt32? {
        response.headers.first("Min-Expires").flatMap { UInt32(QuotedString.trimmed(Substring($0))) }
    }

    /// The seconds of a Retry-After (`120`, `120 (comment)`, `120;duration=60`).
    static func retryAfter(_ response: SIPResponse) -> UInt32? {
        guard let text = response.headers.first("Retry-After") else { return nil }
        let digits = QuotedString.trimmed(Substring(text)).prefix { $0.isASCII && $0.isNumber }
        return UInt32(digits)
    }

    /// "503 Service Unavailable".
    static func describe(_ response: SIPResponse) -> String {
        String(response.statusCode) + (response.reasonPhrase.isEmpty ? "" : " " + response.reasonPhrase)
    }
}
