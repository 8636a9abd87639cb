import Registrar
import SIPCore
import XCTest

/// The 200 OK lists every binding with the Contact parameters it was registered with (RFC 3261
/// §10.3 step 8: phones such as linphone look for their own Contact, `+sip.instance` included),
/// and a device known by `+sip.instance` / `reg-id` (RFC 5626 §6) that comes back under a new
/// Contact URI replaces its old binding.
final class RegistrarContactParameterTests: XCTestCase {
    private let instance = "\"<urn:uuid:0b7a52e2-9b4c-4f55-a6f1-6c3f0e6a1001>\""

    private func register(_ registrar: inout Registrar, contact: String, callID: String = "call-1", cseq: UInt32 = 1,
                          expires: String? = "600", now: Timestamp = .t0) throws -> RegisterOutcome {
        registrar.handleRegister(
            try RegisterBuilder.request(callID: callID, cseq: cseq, contacts: [contact], expires: expires),
            source: RegisterBuilder.source, transport: .udp, now: now, salt: 1)
    }

    func testTheOKEchoesEachBindingsParametersWithTheRemainingExpiryAndQ() throws {
        var registrar = RegisterBuilder.openRegistrar()
        let linphone = "<sip:1001@192.0.2.10:5060;transport=udp>;+sip.instance=\(instance);reg-id=1;expires=600;q=0.7;+sip.ice;pn-prid=abc:remote;message-expires=2419200"
        let first = try register(&registrar, contact: linphone)
        XCTAssertEqual(first.response.statusCode, 200)
        XCTAssertEqual(RegisterBuilder.contacts(first.response), [
            "<sip:1001@192.0.2.10:5060;transport=udp>;+sip.instance=\(instance);reg-id=1;+sip.ice;pn-prid=abc:remote;message-expires=2419200;expires=600;q=0.7",
        ])
        let stored = try XCTUnwrap(registrar.location.bindings(of: "sip:1001@example.com", now: .t0).first)
        XCTAssertEqual(stored.contactParameters, ";+sip.instance=\(instance);reg-id=1;+sip.ice;pn-prid=abc:remote;message-expires=2419200")
        XCTAssertEqual(stored.instanceID, "<urn:uuid:0b7a52e2-9b4c-4f55-a6f1-6c3f0e6a1001>")
        XCTAssertEqual(stored.regID, "1")

        // A second phone; 100 s later the 200 lists both, each with its own parameters and the
        // expiry the registrar computed (not the 600 the first phone asked for).
        let other = try register(&registrar, contact: "<sip:1001@192.0.2.20:5062>;+sip.instance=\"<urn:uuid:other>\"",
                                 callID: "call-2", now: .t0.adding(seconds: 100))
        XCTAssertEqual(RegisterBuilder.contacts(other.response), [
            "<sip:1001@192.0.2.10:5060;transport=udp>;+sip.instance=\(instance);reg-id=1;+sip.ice;pn-prid=abc:remote;message-expires=2419200;expires=500;q=0.7",
            "<sip:1001@192.0.2.20:5062>;+sip.instance=\"<urn:uuid:other>\";expires=600",
        ])
    }

    func testTheOKOfAQueryCarriesTheParametersToo() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance)")
        let query = registrar.handleRegister(
            try RegisterBuilder.request(callID: "q", contacts: nil), source: RegisterBuilder.source, transport: .udp,
            now: .t0.adding(seconds: 10), salt: 1)
        XCTAssertEqual(RegisterBuilder.contacts(query.response), ["<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance);expires=590"])
    }

    func testSameInstanceFromANewContactReplacesItsBinding() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance);reg-id=1")
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.30:5060>;+sip.instance=\"<urn:uuid:another-phone>\"", callID: "call-9")
        // NAT rebinding: same device and flow, new public port, new Call-ID.
        let rebound = try register(&registrar, contact: "<sip:1001@192.0.2.10:40000>;+sip.instance=\(instance);reg-id=1",
                                   callID: "call-2", now: .t0.adding(seconds: 30))
        XCTAssertEqual(rebound.response.statusCode, 200)
        let bindings = registrar.location.bindings(of: "sip:1001@example.com", now: .t0.adding(seconds: 30))
        XCTAssertEqual(Set(bindings.map(\.contact)), ["sip:1001@192.0.2.10:40000", "sip:1001@192.0.2.30:5060"])
        XCTAssertEqual(bindings.first { $0.contact.hasSuffix(":40000") }?.registeredAt, .t0, "the same device: registered at is kept")
        XCTAssertEqual(RegisterBuilder.contacts(rebound.response).count, 2)
        XCTAssertEqual(rebound.changes.count, 2)
        XCTAssertEqual(rebound.changes.first, .remove(aor: "sip:1001@example.com", contactKey: try SIPURI.parse("sip:1001@192.0.2.10:5060").comparisonKey))
        guard case .upsert(let upserted) = rebound.changes.last else { return XCTFail("the new contact is persisted: \(rebound.changes)") }
        XCTAssertEqual(upserted.contact, "sip:1001@192.0.2.10:40000")
        XCTAssertEqual(rebound.events.map(\.kind), [.registerRemoved, .registerRefreshed])
        XCTAssertEqual(rebound.events.first?.detail, "instance_rebound")
        XCTAssertEqual(rebound.events.first?.contact, "sip:1001@192.0.2.10:5060")
    }

    func testAnotherRegIDOfTheSameInstanceIsAnotherFlow() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance);reg-id=1")
        let second = try register(&registrar, contact: "<sip:1001@192.0.2.10:5070>;+sip.instance=\(instance);reg-id=2", callID: "call-2")
        XCTAssertEqual(second.events.map(\.kind), [.registerAccepted])
        XCTAssertEqual(registrar.location.count, 2, "RFC 5626: one binding per (instance, reg-id) flow")
    }

    func testWithoutAnInstanceANewContactIsANewBinding() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:5060>")
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:40000>", callID: "call-2")
        XCTAssertEqual(registrar.location.count, 2)
    }

    func testExpiresZeroForTheInstanceFromANewContactRemovesItsBinding() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance)")
        let gone = try register(&registrar, contact: "<sip:1001@192.0.2.10:40000>;+sip.instance=\(instance)", callID: "call-2", expires: "0")
        XCTAssertEqual(gone.response.statusCode, 200)
        XCTAssertEqual(registrar.location.count, 0)
        XCTAssertEqual(gone.events.map(\.kind), [.registerRemoved])
        XCTAssertEqual(gone.events.first?.detail, "unregistered")
        XCTAssertTrue(RegisterBuilder.contacts(gone.response).isEmpty)
    }

    func testAnOlderCSeqOfTheSameCallIDFromTheInstanceIsOutOfOrder() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance)", cseq: 5)
        let stale = try register(&registrar, contact: "<sip:1001@192.0.2.10:40000>;+sip.instance=\(instance)", cseq: 4)
        XCTAssertEqual(stale.response.statusCode, 500)
        XCTAssertEqual(registrar.location.bindings(of: "sip:1001@example.com", now: .t0).map(\.contact), ["sip:1001@192.0.2.10:5060"])
    }

    func testParametersSurviveALocationServiceRebuiltFromStoredBindings() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = try register(&registrar, contact: "<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance);reg-id=1")
        // What a restart does: the store's bindings feed a new registrar.
        var restarted = Registrar(
            configuration: RegistrarConfiguration(requireAuthentication: false), secret: Array("test-secret".utf8),
            bindings: registrar.location.allBindings())
        let query = restarted.handleRegister(
            try RegisterBuilder.request(callID: "q", contacts: nil), source: RegisterBuilder.source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(RegisterBuilder.contacts(query.response), ["<sip:1001@192.0.2.10:5060>;+sip.instance=\(instance);reg-id=1;expires=600"])
    }

    func testSourceAccessSaysWrongPortForTheRightAddressOnAnotherPort() {
        XCTAssertEqual(SourceAccess(sourcePort: 5070, rules: [(holdsAddress: true, port: 5060)]), .wrongPort)
        XCTAssertEqual(SourceAccess(sourcePort: 5060, rules: [(holdsAddress: true, port: 5060)]), .inside(portMatched: true))
        XCTAssertEqual(SourceAccess(sourcePort: 5070, rules: [(holdsAddress: false, port: 5070)]), .outside)
        XCTAssertEqual(SourceAccess(sourcePort: 5070, rules: [(holdsAddress: true, port: 5060), (holdsAddress: true, port: nil)]),
                       .inside(portMatched: false))
        XCTAssertEqual(SourceAccess(sourcePort: 5070, rules: [(holdsAddress: Bool, port: Int?)]()), .noRules)
    }
}
