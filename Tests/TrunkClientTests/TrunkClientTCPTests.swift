import Registrar
import SIPCore
import XCTest

@testable import TrunkClient

/// What the state machine does for TCP trunks: a lost connection between refreshes, and a new
/// connection's address replacing the bound Contact.
final class TrunkClientTCPTests: XCTestCase {
    private func tcpSettings() -> TrunkSettings {
        var settings = TrunkHarness.settings()
        settings.transport = .tcp
        return settings
    }

    /// A registered TCP trunk.
    private func registered() throws -> TrunkHarness {
        var trunk = TrunkHarness(settings: tcpSettings())
        let request = try trunk.tickToDeadline()
        XCTAssertEqual(request.via[0].transport, "TCP")
        _ = trunk.answer(TrunkHarness.ok(request, expires: 600))
        XCTAssertEqual(trunk.client.status.state, .registered)
        return trunk
    }

    func testALostConnectionBetweenRefreshesRegistersAgainAfterTheTransportErrorBackoff() throws {
        var trunk = try registered()
        let refreshAt = try XCTUnwrap(trunk.client.nextDeadline)
        trunk.advance(seconds: 10)
        let events = TrunkHarness.events(trunk.client.connectionLost(reason: "closed by the registrar", now: trunk.now, random: &trunk.random))
        XCTAssertEqual(events, [.failed(code: nil, reason: "transport error: closed by the registrar")])
        XCTAssertEqual(trunk.client.status.state, .retrying)
        XCTAssertEqual(trunk.client.status.consecutiveFailures, 1)
        // The first transport-error backoff at fraction 0.5: three quarters of backoff_base (2 s).
        XCTAssertEqual(trunk.client.nextDeadline, trunk.now.advancedMs(1500))
        XCTAssertLessThan(try XCTUnwrap(trunk.client.nextDeadline), refreshAt)
        let again = try trunk.tickToDeadline()
        XCTAssertEqual(again.method, .register)
    }

    func testALostConnectionIsIgnoredWhenDisabledOrWithATransactionInFlight() throws {
        var disabled = TrunkHarness(settings: tcpSettings(), enabled: false)
        XCTAssertEqual(disabled.client.connectionLost(reason: "x", now: disabled.now, random: &disabled.random), [])
        XCTAssertEqual(disabled.client.status.state, .disabled)

        var inFlight = TrunkHarness(settings: tcpSettings())
        _ = try inFlight.tickToDeadline()
        XCTAssertEqual(inFlight.client.connectionLost(reason: "x", now: inFlight.now, random: &inFlight.random), [], "transportFailed covers it")
        XCTAssertNotNil(inFlight.client.pendingBranch)
    }

    func testANewLocalAddressRemovesTheBoundContactInTheNextRegister() throws {
        var trunk = try registered()
        XCTAssertEqual(trunk.client.status.contact, "sip:alice@127.0.0.1:5070;transport=tcp")
        trunk.client.setTransport(local: TrunkAddress(host: "127.0.0.1", port: 40_001), targets: 1)
        let request = try trunk.tickToDeadline()
        XCTAssertEqual(
            request.headers.first("Contact"),
            "<sip:alice@127.0.0.1:40001;transport=tcp>, <sip:alice@127.0.0.1:5070;transport=tcp>;expires=0")
    }

    func testARefreshFromTheSameAddressNamesOnlyTheOneContact() throws {
        var trunk = try registered()
        let refresh = try trunk.tickToDeadline()
        XCTAssertEqual(refresh.headers.first("Contact"), "<sip:alice@127.0.0.1:5070;transport=tcp>")
    }
}
