import Foundation
import Registrar
import SIPCore
import XCTest

@testable import TrunkClient

/// Start, digest, the granted expiry, refreshes and the public Contact.
final class TrunkClientRegistrationTests: XCTestCase {
    func testStartsAfterARandomInitialDelayAndSendsAPlainRegister() throws {
        var trunk = TrunkHarness()
        XCTAssertEqual(trunk.client.status.state, .registering)
        let start = trunk.now
        XCTAssertEqual(trunk.client.nextDeadline, Timestamp(milliseconds: start.milliseconds + 5000), "half of initialDelayMax at fraction 0.5")
        XCTAssertTrue(trunk.client.tick(now: trunk.now, random: &trunk.random).isEmpty, "nothing before the delay")

        let request = try trunk.tickToDeadline()
        XCTAssertEqual(request.method, .register)
        XCTAssertEqual(request.uri.description, "sip:127.0.0.2:5060")
        XCTAssertEqual(request.from.uri.description, "sip:alice@127.0.0.2")
        XCTAssertNotNil(request.from.tag)
        XCTAssertNil(request.to.tag)
        XCTAssertEqual(request.headers.first("Expires"), "3600")
        XCTAssertEqual(request.headers.first("Contact"), "<sip:alice@127.0.0.1:5070>")
        XCTAssertTrue(request.via[0].hasRport)
        XCTAssertEqual(request.via[0].branch?.hasPrefix("z9hG4bK"), true)
        XCTAssertNil(try TrunkHarness.credentials(request))
        XCTAssertNil(trunk.client.nextDeadline, "no deadline while the transaction is in flight")
    }

    func testDisabledTrunkSendsNothing() {
        var trunk = TrunkHarness(enabled: false)
        XCTAssertEqual(trunk.client.status.state, .disabled)
        XCTAssertNil(trunk.client.nextDeadline)
        XCTAssertTrue(trunk.client.tick(now: trunk.now.adding(seconds: 100), random: &trunk.random).isEmpty)
    }

    func testAnswersAnMD5ChallengeWithQopAuthThenHoldsTheGrantedExpiry() throws {
        var trunk = TrunkHarness()
        let first = try trunk.tickToDeadline()
        let second = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(first))))
        XCTAssertEqual(second.cseq.number, first.cseq.number + 1)
        XCTAssertEqual(second.callID, first.callID)
        let credentials = try XCTUnwrap(try TrunkHarness.credentials(second))
        XCTAssertEqual(credentials.username, "alice")
        XCTAssertEqual(credentials.realm, "carrier.example")
        XCTAssertEqual(credentials.nonceCountText, "00000001")
        XCTAssertEqual(credentials.qop, "auth")
        let ha1 = Digest.ha1(username: "alice", realm: "carrier.example", password: "secret", algorithm: .md5)
        let expected = Digest.response(
            ha1: ha1, method: "REGISTER", uri: credentials.uri, nonce: "n1", nonceCount: "00000001", cnonce: credentials.cnonce,
            qop: "auth", algorithm: .md5)
        XCTAssertEqual(credentials.response, expected)
        XCTAssertEqual(credentials.uri, "sip:127.0.0.2:5060")

        let events = TrunkHarness.events(trunk.answer(TrunkHarness.ok(second, expires: 1800)))
        XCTAssertEqual(events, [.registered(expires: 1800, contact: "sip:alice@127.0.0.1:5070")])
        let status = trunk.client.status
        XCTAssertEqual(status.state, .registered)
        XCTAssertEqual(status.grantedExpires, 1800)
        XCTAssertEqual(status.expiresAt, trunk.now.adding(seconds: 1800))
        XCTAssertEqual(status.lastSuccess, trunk.now)
        // 1800 - 30 s margin - 0.5 x 5 % x 1800 s jitter.
        XCTAssertEqual(trunk.client.nextDeadline, trunk.now.adding(seconds: 1725))
    }

    func testRefreshAsksForTheConfiguredExpiryNotTheGrantedOneAndReusesTheNonce() throws {
        var trunk = TrunkHarness()
        let first = try trunk.tickToDeadline()
        let second = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(first))))
        _ = trunk.answer(TrunkHarness.ok(second, expires: 60))
        XCTAssertEqual(trunk.client.nextDeadline, trunk.now.adding(seconds: 28).advancedMs(500), "60 s: 30 s early (half), 1.5 s jitter")

        let refresh = try trunk.tickToDeadline()
        XCTAssertEqual(refresh.headers.first("Expires"), "3600", "never shrunk to what the registrar granted")
        let credentials = try XCTUnwrap(try TrunkHarness.credentials(refresh), "pre-emptive credentials on refresh")
        XCTAssertEqual(credentials.nonce, "n1")
        XCTAssertEqual(credentials.nonceCountText, "00000002")
        XCTAssertEqual(TrunkHarness.events(trunk.answer(TrunkHarness.ok(refresh, expires: 60))), [], "a routine refresh is no event")
        XCTAssertEqual(trunk.client.status.state, .registered)
        XCTAssertEqual(trunk.client.status.lastSuccess, trunk.now)
    }

    func testStaleOrNewNonceOnRefreshIsAnsweredWithoutCountingAsARejection() throws {
        var trunk = TrunkHarness()
        let first = try trunk.tickToDeadline()
        let second = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(first))))
        _ = trunk.answer(TrunkHarness.ok(second, expires: 600))
        let refresh = try trunk.tickToDeadline()
        // The cached nonce expired: a new challenge (not a refusal of a fresh answer).
        let retry = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(refresh, nonce: "n2"))))
        XCTAssertEqual(try TrunkHarness.credentials(retry)?.nonce, "n2")
        XCTAssertEqual(try TrunkHarness.credentials(retry)?.nonceCountText, "00000001")
        // stale=true after a fresh answer: the password was right, answer again.
        let again = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(retry, nonce: "n3", stale: true))))
        XCTAssertEqual(try TrunkHarness.credentials(again)?.nonce, "n3")
        XCTAssertEqual(trunk.client.status.state, .registered)
        _ = trunk.answer(TrunkHarness.ok(again, expires: 600))
        XCTAssertEqual(trunk.client.status.consecutiveFailures, 0)
    }

    func testSHA256ProxyChallengeIsAnsweredInProxyAuthorization() throws {
        var trunk = TrunkHarness()
        let first = try trunk.tickToDeadline()
        let second = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(first, code: 407, algorithm: "SHA-256"))))
        XCTAssertNil(second.headers.first("Authorization"))
        let credentials = try XCTUnwrap(try TrunkHarness.credentials(second, proxy: true))
        XCTAssertEqual(credentials.algorithm, "SHA-256")
        let ha1 = Digest.ha1(username: "alice", realm: "carrier.example", password: "secret", algorithm: .sha256)
        XCTAssertEqual(ha1.count, 64)
        XCTAssertEqual(
            credentials.response,
            Digest.response(
                ha1: ha1, method: "REGISTER", uri: credentials.uri, nonce: "n1", nonceCount: "00000001", cnonce: credentials.cnonce,
                qop: "auth", algorithm: .sha256))
    }

    func testChallengeWithoutQopIsAnsweredRFC2069StyleAndAuthUserIsUsed() throws {
        var settings = TrunkHarness.settings()
        settings.authUsername = "acct-7"
        var trunk = TrunkHarness(settings: settings)
        let first = try trunk.tickToDeadline()
        let second = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(first, qop: nil))))
        let credentials = try XCTUnwrap(try TrunkHarness.credentials(second))
        XCTAssertEqual(credentials.username, "acct-7")
        XCTAssertNil(credentials.nonceCountText)
        XCTAssertNil(credentials.cnonce)
        let ha1 = Digest.ha1(username: "acct-7", realm: "carrier.example", password: "secret", algorithm: .md5)
        XCTAssertEqual(
            credentials.response,
            Digest.response(ha1: ha1, method: "REGISTER", uri: credentials.uri, nonce: "n1", nonceCount: nil, cnonce: nil, qop: nil, algorithm: .md5))
        XCTAssertEqual(second.from.uri.user, "alice", "the AOR keeps the user; only the digest uses the auth user")
    }

    func testGrantedExpiryFromTheExpiresHeaderWhenTheContactHasNone() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        _ = trunk.answer(TrunkHarness.reply(request, 200, [("Contact", "<sip:alice@127.0.0.1:5070>"), ("Expires", "900")]))
        XCTAssertEqual(trunk.client.status.grantedExpires, 900)
    }

    func testOtherBindingsExpiriesInThe200AreNotTakenForOurs() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        _ = trunk.answer(TrunkHarness.reply(request, 200, [
            ("Contact", "<sip:alice@192.0.2.9:5060>;expires=30, <sip:alice@127.0.0.1:5070>;expires=1200"),
        ]))
        XCTAssertEqual(trunk.client.status.grantedExpires, 1200)
    }

    func testLearnsThePublicAddressFromViaAndReRegistersACorrectedContact() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        var response = TrunkHarness.ok(request, expires: 600)
        let via = try XCTUnwrap(request.headers.first("Via")).replacingOccurrences(of: ";rport", with: ";rport=40000;received=203.0.113.7")
        response.headers.set("Via", via)
        let actions = trunk.answer(response)
        XCTAssertEqual(TrunkHarness.events(actions), [], "no registered event until the corrected Contact is in")
        let corrected = try XCTUnwrap(TrunkHarness.sent(actions), "re-registers at once")
        XCTAssertEqual(trunk.client.status.publicAddress, TrunkAddress(host: "203.0.113.7", port: 40000))
        XCTAssertEqual(corrected.headers.values("Contact"), ["<sip:alice@203.0.113.7:40000>", "<sip:alice@127.0.0.1:5070>;expires=0"])
        var second = TrunkHarness.ok(corrected, expires: 600)
        second.headers.set("Via", try XCTUnwrap(corrected.headers.first("Via")).replacingOccurrences(of: ";rport", with: ";rport=40000;received=203.0.113.7"))
        XCTAssertEqual(TrunkHarness.events(trunk.answer(second)), [.registered(expires: 600, contact: "sip:alice@203.0.113.7:40000")])
        XCTAssertEqual(trunk.client.status.contact, "sip:alice@203.0.113.7:40000")
        let refresh = try trunk.tickToDeadline()
        XCTAssertEqual(refresh.headers.values("Contact"), ["<sip:alice@203.0.113.7:40000>"], "the refresh keeps the public Contact")
    }

    func testViaShowingOurOwnAddressIsNoNAT() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        var response = TrunkHarness.ok(request, expires: 600)
        response.headers.set("Via", try XCTUnwrap(request.headers.first("Via")).replacingOccurrences(of: ";rport", with: ";rport=5070"))
        XCTAssertNil(TrunkHarness.sent(trunk.answer(response)))
        XCTAssertNil(trunk.client.status.publicAddress)
        XCTAssertEqual(trunk.client.status.state, .registered)
    }

    func testResponsesOfOtherTransactionsAndProvisionalsAreIgnored() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        XCTAssertTrue(trunk.answer(TrunkHarness.reply(request, 100)).isEmpty)
        var foreign = TrunkHarness.ok(request, expires: 600)
        foreign.headers.set("Call-ID", "other@elsewhere")
        XCTAssertTrue(trunk.answer(foreign).isEmpty)
        var otherBranch = TrunkHarness.ok(request, expires: 600)
        otherBranch.headers.set("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKother;rport")
        XCTAssertTrue(trunk.answer(otherBranch).isEmpty)
        XCTAssertTrue(trunk.client.timedOut(branch: "z9hG4bKother", now: trunk.now, random: &trunk.random).isEmpty)
        XCTAssertEqual(trunk.client.status.state, .registering)
        XCTAssertFalse(TrunkHarness.events(trunk.answer(TrunkHarness.ok(request, expires: 600))).isEmpty, "the real answer still counts")
    }

    func testA2xxGrantingZeroIsAFailure() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        _ = trunk.answer(TrunkHarness.ok(request, expires: 0))
        XCTAssertEqual(trunk.client.status.state, .retrying)
    }
}

extension Timestamp {
    func advancedMs(_ milliseconds: Int64) -> Timestamp { Timestamp(milliseconds: self.milliseconds + milliseconds) }
}
