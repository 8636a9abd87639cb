import Registrar
import SIPCore
import XCTest

@testable import TrunkClient

/// Enable, disable (un-REGISTER) and the transitions out of every state.
final class TrunkClientLifecycleTests: XCTestCase {
    private func registered() throws -> TrunkHarness {
        var trunk = TrunkHarness()
        let request = try trunk.tickToDeadline()
        _ = trunk.answer(TrunkHarness.ok(request, expires: 600))
        XCTAssertEqual(trunk.client.status.state, .registered)
        return trunk
    }

    func testDisableUnregistersWithExpiresZero() throws {
        var trunk = try registered()
        trunk.advance(seconds: 10)
        let actions = trunk.client.disable(reason: "disabled by the operator", now: trunk.now, random: &trunk.random)
        let request = try XCTUnwrap(TrunkHarness.sent(actions))
        XCTAssertEqual(request.headers.first("Expires"), "0")
        XCTAssertEqual(request.headers.values("Contact"), ["<sip:alice@127.0.0.1:5070>"])
        XCTAssertTrue(trunk.client.isUnregistering)
        XCTAssertEqual(trunk.client.status.state, .disabled)
        XCTAssertEqual(TrunkHarness.events(trunk.answer(TrunkHarness.reply(request, 200))), [.unregistered(reason: "disabled by the operator")])
        XCTAssertNil(trunk.client.nextDeadline)
        XCTAssertNil(trunk.client.status.expiresAt)
        XCTAssertTrue(trunk.client.tick(now: trunk.now.adding(seconds: 10_000), random: &trunk.random).isEmpty, "a disabled trunk stays quiet")
    }

    func testUnregisterAnswersOneChallenge() throws {
        var trunk = try registered()
        let request = try XCTUnwrap(TrunkHarness.sent(trunk.client.disable(reason: "removed", now: trunk.now, random: &trunk.random)))
        let answered = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(request))))
        XCTAssertEqual(answered.headers.first("Expires"), "0")
        XCTAssertNotNil(try TrunkHarness.credentials(answered))
        let events = TrunkHarness.events(trunk.answer(TrunkHarness.challenge(answered, nonce: "n2")))
        XCTAssertEqual(events, [.unregistered(reason: "removed (un-REGISTER answered 401 Unauthorized)")])
    }

    func testUnregisterTimeoutStillEnds() throws {
        var trunk = try registered()
        let request = try XCTUnwrap(TrunkHarness.sent(trunk.client.disable(reason: "daemon stopping", now: trunk.now, random: &trunk.random)))
        XCTAssertEqual(TrunkHarness.events(trunk.timeout(request)), [.unregistered(reason: "daemon stopping (un-REGISTER not confirmed: timeout: no response)")])
    }

    func testDisableWithoutABindingSendsNothing() throws {
        var trunk = TrunkHarness()
        XCTAssertEqual(TrunkHarness.events(trunk.client.disable(reason: "disabled", now: trunk.now, random: &trunk.random)), [.unregistered(reason: "disabled")])
        var lapsed = try registered()
        lapsed.advance(seconds: 601)
        _ = lapsed.timeout(try lapsed.tickToDeadline())  // the refresh failed; the binding lapsed
        lapsed.now = lapsed.client.status.expiresAt?.adding(seconds: 1) ?? lapsed.now
        XCTAssertNil(TrunkHarness.sent(lapsed.client.disable(reason: "disabled", now: lapsed.now, random: &lapsed.random)), "nothing left to remove")
    }

    func testDisableDuringAnAttemptRemovesTheContactItMayHaveBound() throws {
        var trunk = TrunkHarness()
        let attempt = try trunk.tickToDeadline()
        let request = try XCTUnwrap(TrunkHarness.sent(trunk.client.disable(reason: "disabled", now: trunk.now, random: &trunk.random)))
        XCTAssertEqual(request.headers.first("Expires"), "0")
        XCTAssertTrue(trunk.answer(TrunkHarness.ok(attempt, expires: 600)).isEmpty, "the late 200 of the abandoned REGISTER is ignored")
        XCTAssertEqual(trunk.client.status.state, .disabled)
    }

    func testEnableRegistersAtOnceFromDisabled() throws {
        var trunk = TrunkHarness(enabled: false)
        let request = try XCTUnwrap(TrunkHarness.sent(trunk.client.enable(now: trunk.now, random: &trunk.random)))
        XCTAssertEqual(trunk.client.status.state, .registering)
        XCTAssertEqual(request.headers.first("Expires"), "3600")
        XCTAssertTrue(trunk.client.enable(now: trunk.now, random: &trunk.random).isEmpty, "enabling twice sends nothing more")
        _ = trunk.answer(TrunkHarness.ok(request, expires: 600))
        XCTAssertEqual(trunk.client.status.state, .registered)
    }

    func testRefreshOfADisabledTrunkDoesNothing() {
        var trunk = TrunkHarness(enabled: false)
        XCTAssertTrue(trunk.client.refresh(now: trunk.now, random: &trunk.random).isEmpty)
        XCTAssertEqual(trunk.client.status.state, .disabled)
    }

    func testRefreshWhileRegisteredReRegistersNow() throws {
        var trunk = try registered()
        trunk.advance(seconds: 5)
        let request = try XCTUnwrap(TrunkHarness.sent(trunk.client.refresh(now: trunk.now, random: &trunk.random)))
        XCTAssertEqual(request.headers.first("Expires"), "3600")
        XCTAssertEqual(trunk.client.status.state, .registered)
    }

    func testRetryingTrunkRecoversToRegisteredWithAnEvent() throws {
        var trunk = try registered()
        let refresh = try trunk.tickToDeadline()
        _ = trunk.answer(TrunkHarness.reply(refresh, 503))
        XCTAssertEqual(trunk.client.status.state, .retrying)
        XCTAssertNotNil(trunk.client.status.expiresAt, "the old binding's expiry stays shown")
        let retry = try trunk.tickToDeadline()
        XCTAssertEqual(TrunkHarness.events(trunk.answer(TrunkHarness.ok(retry, expires: 600))), [.registered(expires: 600, contact: "sip:alice@127.0.0.1:5070")])
    }

    func testInvalidSettingsRejectTheTrunk() throws {
        var settings = TrunkHarness.settings()
        settings.username = "bad user<>"
        var trunk = TrunkHarness(settings: settings)
        trunk.now = try XCTUnwrap(trunk.client.nextDeadline)
        let events = TrunkHarness.events(trunk.client.tick(now: trunk.now, random: &trunk.random))
        guard case .rejected(_, let reason)? = events.first else { return XCTFail("\(events)") }
        XCTAssertTrue(reason.contains("fix the trunk's settings"), reason)
        XCTAssertEqual(trunk.client.status.state, .rejected)
    }

    func testTCPContactCarriesTheTransport() throws {
        var settings = TrunkHarness.settings()
        settings.transport = .tcp
        settings.contactUser = "trunk1"
        settings.outboundProxy = SIPURI(host: "127.0.0.3", port: 5080)
        var trunk = TrunkHarness(settings: settings)
        let request = try trunk.tickToDeadline()
        XCTAssertEqual(request.headers.first("Contact"), "<sip:trunk1@127.0.0.1:5070;transport=tcp>")
        XCTAssertEqual(request.via[0].transport, "TCP")
        XCTAssertEqual(request.headers.first("Route"), "<sip:127.0.0.3:5080;lr>")
        XCTAssertEqual(request.uri.description, "sip:127.0.0.2:5060", "the Request-URI stays the registrar")
    }
}

/// Enable and refresh before the caller could give the client an address (DNS failed).
final class TrunkClientUnresolvedTests: XCTestCase {
    func testEnableWithoutAnAddressWaitsForTheNextTickInsteadOfFailing() throws {
        var random = FixedFractionRandom(fraction: 0.5)
        let now = Timestamp(seconds: 1_000)
        var client = TrunkClient(settings: TrunkHarness.settings(), enabled: false, now: now, random: &random)
        XCTAssertTrue(client.enable(now: now, random: &random).isEmpty, "nothing to send from yet")
        XCTAssertEqual(client.status.state, .registering)
        XCTAssertEqual(client.nextDeadline, now, "due at once: the caller resolves, then ticks")
        let events = TrunkHarness.events(client.resolutionFailed(reason: "carrier.test: no SRV target resolved", now: now, random: &random))
        XCTAssertEqual(events, [.failed(code: nil, reason: "DNS: carrier.test: no SRV target resolved")])
        XCTAssertEqual(client.status.state, .retrying)
        client.setTransport(local: TrunkHarness.local, targets: 1)
        let due = try XCTUnwrap(client.nextDeadline)
        XCTAssertNotNil(TrunkHarness.sent(client.tick(now: due, random: &random)))
    }
}

/// Disabling from the retrying and rejected states.
final class TrunkClientDisableFromEveryStateTests: XCTestCase {
    func testDisableWhileRetryingUnregistersTheBindingStillHeld() throws {
        var trunk = TrunkHarness()
        _ = trunk.answer(TrunkHarness.ok(try trunk.tickToDeadline(), expires: 600))
        _ = trunk.answer(TrunkHarness.reply(try trunk.tickToDeadline(), 503))
        XCTAssertEqual(trunk.client.status.state, .retrying)
        let request = try XCTUnwrap(TrunkHarness.sent(trunk.client.disable(reason: "disabled", now: trunk.now, random: &trunk.random)))
        XCTAssertEqual(request.headers.first("Expires"), "0", "the binding granted before the failed refresh is still live")
        XCTAssertEqual(trunk.client.status.state, .disabled)
        XCTAssertEqual(TrunkHarness.events(trunk.answer(TrunkHarness.reply(request, 200))), [.unregistered(reason: "disabled")])
        XCTAssertNil(trunk.client.nextDeadline, "no retry after disabling")
    }

    func testDisableWhileRejectedStopsTheSlowRetry() throws {
        var trunk = TrunkHarness(settings: TrunkHarness.settings(password: "wrong"))
        var request = try trunk.tickToDeadline()
        request = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(request))))
        request = try XCTUnwrap(TrunkHarness.sent(trunk.answer(TrunkHarness.challenge(request, nonce: "n2"))))
        _ = trunk.answer(TrunkHarness.challenge(request, nonce: "n3"))
        XCTAssertEqual(trunk.client.status.state, .rejected)
        XCTAssertEqual(TrunkHarness.events(trunk.client.disable(reason: "disabled", now: trunk.now, random: &trunk.random)), [.unregistered(reason: "disabled")])
        XCTAssertEqual(trunk.client.status.state, .disabled)
        XCTAssertNil(trunk.client.nextDeadline)
        XCTAssertEqual(trunk.client.status.lastFailureCode, 401, "the rejection stays on record")
    }
}
