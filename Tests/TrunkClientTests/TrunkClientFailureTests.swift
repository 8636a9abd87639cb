import Registrar
import SIPCore
import XCTest

@testable import TrunkClient

/// Temporary failures, backoff, failover, 423 and rejections.
final class TrunkClientFailureTests: XCTestCase {
    func testTimeoutsBackOffExponentiallyToTheCapForeverThenRecover() throws {
        var trunk = TrunkHarness()
        // Equal jitter at fraction 0.5: three quarters of min(300, 2 x 2^(n-1)).
        let expected: [Double] = [1.5, 3, 6, 12, 24, 48, 96, 192, 225, 225, 225, 225]
        for (index, delay) in expected.enumerated() {
            let request = try trunk.tickToDeadline()
            let events = TrunkHarness.events(trunk.timeout(request))
            XCTAssertEqual(events, [.failed(code: nil, reason: "timeout: no response")])
            XCTAssertEqual(trunk.client.status.state, .retrying)
            XCTAssertEqual(trunk.client.status.consecutiveFailures, index + 1)
            XCTAssertNil(trunk.client.status.lastFailureCode)
            XCTAssertEqual(trunk.client.status.lastFailure, trunk.now)
            XCTAssertEqual(trunk.client.nextDeadline, trunk.now.advancedMs(Int64(delay * 1000)), "failure \(index + 1)")
        }
        // The upstream comes back.
        let request = try trunk.tickToDeadline()
        XCTAssertEqual(TrunkHarness.events(trunk.answer(TrunkHarness.ok(request, expires: 600))).count, 1)
        XCTAssertEqual(trunk.client.status.state, .registered)
        XCTAssertEqual(trunk.client.status.consecutiveFailures, 0)
        XCTAssertEqual(trunk.client.status.lastFailureReason, "timeout: no response", "the last failure stays on record")
    }

    func testRetryAfterOfA503IsHonoured() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        let events = TrunkHarness.events(trunk.answer(TrunkHarness.reply(request, 503, [("Retry-After", "120 (maintenance)")])))
        XCTAssertEqual(events, [.failed(code: 503, reason: "503 Service Unavailable")])
        XCTAssertEqual(trunk.client.status.lastFailureCode, 503)
        XCTAssertEqual(trunk.client.nextDeadline, trunk.now.adding(seconds: 120))
    }

    func testRetryAfterShorterThanTheBackoffDoesNotShortenIt() throws {
        var trunk = TrunkHarness()
        for _ in 0..<3 { _ = trunk.timeout(try trunk.tickToDeadline()) }
        let request = try trunk.tickToDeadline()
        _ = trunk.answer(TrunkHarness.reply(request, 500, [("Retry-After", "1")]))
        XCTAssertEqual(trunk.client.nextDeadline, trunk.now.adding(seconds: 12))
    }

    func testTemporaryStatusesAndTransportErrorsRetry() throws {
        for code in [408, 480, 500, 502, 600, 603, 404] {
            var trunk = TrunkHarness()
            let request = try trunk.tickToDeadline()
            XCTAssertEqual(TrunkHarness.events(trunk.answer(TrunkHarness.reply(request, code))).count, 1, "\(code)")
            XCTAssertEqual(trunk.client.status.state, .retrying, "\(code)")
            XCTAssertEqual(trunk.client.status.lastFailureCode, code)
            XCTAssertNotNil(trunk.client.nextDeadline)
        }
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        let events = TrunkHarness.events(trunk.client.transportFailed(branch: request.via[0].branch ?? "", reason: "connection refused", now: trunk.now, random: &trunk.random))
        XCTAssertEqual(events, [.failed(code: nil, reason: "transport error: connection refused")])
        XCTAssertEqual(trunk.client.status.state, .retrying)
        var unresolved = TrunkHarness()
        unresolved.now = try XCTUnwrap(unresolved.client.nextDeadline)
        XCTAssertEqual(TrunkHarness.events(unresolved.client.resolutionFailed(reason: "no such name", now: unresolved.now, random: &unresolved.random)).count, 1)
        XCTAssertEqual(unresolved.client.status.state, .retrying)
    }

    func testTimeoutAnd503FailOverToTheNextTargetBeforeBackingOff() throws {
        var trunk = TrunkHarness(targets: 3)
        let first = try trunk.tickToDeadline()
        let toSecond = trunk.timeout(first)
        XCTAssertEqual(TrunkHarness.target(toSecond), 1, "next SRV target at once")
        let second = try XCTUnwrap(TrunkHarness.sent(toSecond))
        let toThird = trunk.answer(TrunkHarness.reply(second, 503))
        XCTAssertEqual(TrunkHarness.target(toThird), 2)
        let third = try XCTUnwrap(TrunkHarness.sent(toThird))
        let exhausted = trunk.timeout(third)
        XCTAssertNil(TrunkHarness.sent(exhausted), "every target tried: backoff")
        XCTAssertEqual(trunk.client.status.consecutiveFailures, 3)
        XCTAssertNotNil(trunk.client.nextDeadline)
        XCTAssertEqual(trunk.client.currentTarget, 0, "the next round starts again from the first target")
    }

    func testOtherFailuresDoNotFailOver() throws {
        var trunk = TrunkHarness(targets: 2)
        let request = try trunk.tickToDeadline()
        XCTAssertNil(TrunkHarness.sent(trunk.answer(TrunkHarness.reply(request, 500))))
        XCTAssertEqual(trunk.client.currentTarget, 0)
    }

    func test423RetriesAtOnceWithMinExpiresAndKeepsIt() throws {
        var trunk = TrunkHarness(settings: TrunkHarness.settings(expires: 60))
        let request = try trunk.tickToDeadline()
        let retry = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.reply(request, 423, [("Min-Expires", "300")]))))
        XCTAssertEqual(retry.headers.first("Expires"), "300")
        XCTAssertEqual(trunk.client.requestedExpires, 300)
        _ = trunk.answer(TrunkHarness.ok(retry, expires: 300))
        XCTAssertEqual(trunk.client.status.state, .registered)
        XCTAssertEqual(trunk.client.status.consecutiveFailures, 0, "a 423 answered with Min-Expires is no failure")
        let refresh = try trunk.tickToDeadline()
        XCTAssertEqual(refresh.headers.first("Expires"), "300")
    }

    func test423WithoutALargerMinExpiresIsATemporaryFailure() throws {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        XCTAssertNil(TrunkHarness.sent(trunk.answer(TrunkHarness.reply(request, 423, [("Min-Expires", "60")]))))
        XCTAssertEqual(trunk.client.status.state, .retrying)
        XCTAssertEqual(trunk.client.status.lastFailureCode, 423)
    }

    func testWrongPasswordRefusedTwiceIsRejectedAndRetriedOnlySlowly() throws {
        var trunk = TrunkHarness(settings: TrunkHarness.settings(password: "wrong"))
        let first = try trunk.tickToDeadline()
        let answered = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(first))))
        let refusedOnce = trunk.answer(TrunkHarness.challenge(answered, nonce: "n2"))
        XCTAssertEqual(TrunkHarness.events(refusedOnce), [], "one refusal: the nonce may simply have changed")
        let again = try XCTUnwrap(TrunkHarness.sent(refusedOnce))
        let refusedTwice = TrunkHarness.events(trunk.answer(TrunkHarness.challenge(again, nonce: "n3")))
        guard case .rejected(let code, let reason)? = refusedTwice.first else { return XCTFail("not rejected: \(refusedTwice)") }
        XCTAssertEqual(code, 401)
        XCTAssertTrue(reason.contains("refused the credentials of alice twice"), reason)
        let status = trunk.client.status
        XCTAssertEqual(status.state, .rejected)
        XCTAssertEqual(status.lastFailureCode, 401)
        XCTAssertEqual(status.lastFailureReason, reason)
        // rejectedRetry (3600 s) plus up to 10 % at random: 0.5 x 360.
        XCTAssertEqual(trunk.client.nextDeadline, trunk.now.adding(seconds: 3780))

        // The slow retry starts afresh, without the refused credentials.
        let slow = try trunk.tickToDeadline()
        XCTAssertNil(try TrunkHarness.credentials(slow))
        XCTAssertEqual(trunk.client.status.state, .rejected, "still rejected until a success")
    }

    func testRefreshAfterARejectionRegistersAtOnceAndNewCredentialsSucceed() throws {
        var trunk = TrunkHarness(settings: TrunkHarness.settings(password: "wrong"))
        var request = try trunk.tickToDeadline()
        request = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(request))))
        request = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(request, nonce: "n2"))))
        _ = trunk.answer(TrunkHarness.challenge(request, nonce: "n3"))
        XCTAssertEqual(trunk.client.status.state, .rejected)

        let refreshed = try XCTUnwrap(TrunkHarness.sent(trunk.client.refresh(now: trunk.now, random: &trunk.random)), "trunk refresh: at once")
        XCTAssertNil(try TrunkHarness.credentials(refreshed))
        let updated = try XCTUnwrap(TrunkHarness.sent(trunk.client.update(settings: TrunkHarness.settings(password: "secret"), now: trunk.now, random: &trunk.random)))
        XCTAssertTrue(trunk.answer(TrunkHarness.ok(refreshed, expires: 600)).isEmpty, "the abandoned transaction's answer is ignored")
        let answered = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(updated, nonce: "n4"))))
        let ha1 = Digest.ha1(username: "alice", realm: "carrier.example", password: "secret", algorithm: .md5)
        let credentials = try XCTUnwrap(try TrunkHarness.credentials(answered))
        XCTAssertEqual(credentials.response, Digest.response(ha1: ha1, method: "REGISTER", uri: credentials.uri, nonce: "n4", nonceCount: "00000001", cnonce: credentials.cnonce, qop: "auth", algorithm: .md5))
        _ = trunk.answer(TrunkHarness.ok(answered, expires: 600))
        XCTAssertEqual(trunk.client.status.state, .registered)
    }

    func test403TwiceIsRejected() throws {
        var trunk = TrunkHarness()
        let first = try trunk.tickToDeadline()
        XCTAssertEqual(TrunkHarness.events(trunk.answer(TrunkHarness.reply(first, 403))), [.failed(code: 403, reason: "403 Forbidden")])
        XCTAssertEqual(trunk.client.status.state, .retrying)
        let second = try trunk.tickToDeadline()
        let events = TrunkHarness.events(trunk.answer(TrunkHarness.reply(second, 403)))
        XCTAssertEqual(events, [.rejected(code: 403, reason: "403 Forbidden (twice)")])
        XCTAssertEqual(trunk.client.status.state, .rejected)
    }

    func testAChallengeForAnotherRealmIsNotAnswered() throws {
        var trunk = TrunkHarness(settings: TrunkHarness.settings(realm: "carrier.example"))
        let first = try trunk.tickToDeadline()
        XCTAssertNil(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(first, realm: "evil.example"))), "no password for another realm")
        XCTAssertEqual(trunk.client.status.state, .retrying)
        XCTAssertEqual(trunk.client.status.lastFailureReason?.contains("evil.example"), true)
    }
}
