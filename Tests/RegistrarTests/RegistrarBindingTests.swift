import Registrar
import SIPWardenPolicy
import SIPCore
import XCTest

/// RFC 3261 §10.3 steps 6 to 8, and the operator's binding rules, without authentication.
final class RegistrarBindingTests: XCTestCase {
    private let source = RegisterBuilder.source

    func testRegisterCreatesBindingAndListsItWithRemainingExpiry() throws {
        var registrar = RegisterBuilder.openRegistrar()
        let outcome = registrar.handleRegister(try RegisterBuilder.request(expires: "600"), source: source, transport: .udp, now: .t0, salt: 7)
        XCTAssertEqual(outcome.response.statusCode, 200)
        XCTAssertEqual(RegisterBuilder.contacts(outcome.response), ["<sip:1001@192.0.2.10:5060>;expires=600"])
        XCTAssertEqual(outcome.changes.count, 1)
        guard case .upsert(let binding) = outcome.changes.first else { return XCTFail("expected an upsert") }
        XCTAssertEqual(binding.aor, "sip:1001@example.com")
        XCTAssertEqual(binding.expiresAt, Timestamp.t0.adding(seconds: 600))
        XCTAssertEqual(binding.callID, "call-1")
        XCTAssertEqual(binding.source, source)
        XCTAssertFalse(binding.nat)
        XCTAssertEqual(outcome.events.map(\.kind), [.registerAccepted])

        let later = registrar.handleRegister(try RegisterBuilder.request(contacts: nil), source: source, transport: .udp,
                                             now: .t0.adding(seconds: 100), salt: 8)
        XCTAssertEqual(RegisterBuilder.contacts(later.response), ["<sip:1001@192.0.2.10:5060>;expires=500"], "a query lists remaining expiry")
        XCTAssertTrue(later.changes.isEmpty)
    }

    func testExpiryComesFromParameterThenHeaderThenDefaultAndIsCappedAtMaximum() throws {
        var registrar = RegisterBuilder.openRegistrar { $0.defaultExpires = 1800; $0.maxExpires = 3600 }
        let request = try RegisterBuilder.request(contacts: [
            "<sip:a@192.0.2.10>;expires=120", "<sip:b@192.0.2.10>", "<sip:c@192.0.2.10>;expires=99999",
        ], expires: "900")
        let outcome = registrar.handleRegister(request, source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(Set(RegisterBuilder.contacts(outcome.response)), [
            "<sip:a@192.0.2.10>;expires=120", "<sip:b@192.0.2.10>;expires=900", "<sip:c@192.0.2.10>;expires=3600",
        ])
        var other = RegisterBuilder.openRegistrar { $0.defaultExpires = 1800 }
        let noExpiry = other.handleRegister(try RegisterBuilder.request(), source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(RegisterBuilder.contacts(noExpiry.response), ["<sip:1001@192.0.2.10:5060>;expires=1800"])
    }

    func testTooBriefIntervalGets423WithMinExpiresAndChangesNothing() throws {
        var registrar = RegisterBuilder.openRegistrar { $0.minExpires = 60 }
        let outcome = registrar.handleRegister(try RegisterBuilder.request(expires: "30"), source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(outcome.response.statusCode, 423)
        XCTAssertEqual(outcome.response.headers.first("Min-Expires"), "60")
        XCTAssertTrue(outcome.changes.isEmpty)
        XCTAssertEqual(outcome.events.first?.detail, "interval_too_brief")
        XCTAssertEqual(registrar.location.count, 0)
    }

    func testExpiresZeroRemovesOneBindingAndWildcardRemovesAll() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = registrar.handleRegister(try RegisterBuilder.request(cseq: 1, contacts: ["<sip:a@192.0.2.10>", "<sip:b@192.0.2.10>", "<sip:c@192.0.2.10>"]),
                                     source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(registrar.location.count, 3)
        let one = registrar.handleRegister(try RegisterBuilder.request(cseq: 2, contacts: ["<sip:a@192.0.2.10>;expires=0"]),
                                           source: source, transport: .udp, now: .t0, salt: 2)
        XCTAssertEqual(one.response.statusCode, 200)
        XCTAssertEqual(RegisterBuilder.contacts(one.response).count, 2)
        XCTAssertEqual(one.changes, [.remove(aor: "sip:1001@example.com", contactKey: try XCTUnwrap(SIPURI.parse("sip:a@192.0.2.10")).comparisonKey)])

        let badWildcard = registrar.handleRegister(try RegisterBuilder.request(cseq: 3, contacts: ["*"], expires: "60"),
                                                   source: source, transport: .udp, now: .t0, salt: 3)
        XCTAssertEqual(badWildcard.response.statusCode, 400, "* requires Expires: 0")
        XCTAssertEqual(registrar.location.count, 2)

        let all = registrar.handleRegister(try RegisterBuilder.request(cseq: 4, contacts: ["*"], expires: "0"),
                                           source: source, transport: .udp, now: .t0, salt: 4)
        XCTAssertEqual(all.response.statusCode, 200)
        XCTAssertEqual(RegisterBuilder.contacts(all.response), [])
        XCTAssertEqual(all.changes.count, 2)
        XCTAssertEqual(Set(all.events.map(\.kind)), [.registerRemoved])
        XCTAssertEqual(registrar.location.count, 0)
    }

    func testOutOfOrderRegisterDoesNotOverwriteNewerOne() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = registrar.handleRegister(try RegisterBuilder.request(callID: "same", cseq: 5, expires: "600"), source: source, transport: .udp, now: .t0, salt: 1)
        let stale = registrar.handleRegister(try RegisterBuilder.request(callID: "same", cseq: 4, expires: "0"), source: source, transport: .udp, now: .t0, salt: 2)
        XCTAssertEqual(stale.response.statusCode, 500)
        XCTAssertTrue(stale.changes.isEmpty)
        XCTAssertEqual(registrar.location.count, 1, "the older REGISTER did not remove the newer binding")
        let equal = registrar.handleRegister(try RegisterBuilder.request(callID: "same", cseq: 5, expires: "0"), source: source, transport: .udp, now: .t0, salt: 3)
        XCTAssertEqual(equal.response.statusCode, 500)
        let otherCall = registrar.handleRegister(try RegisterBuilder.request(callID: "rebooted", cseq: 1, expires: "300"), source: source, transport: .udp, now: .t0, salt: 4)
        XCTAssertEqual(otherCall.response.statusCode, 200, "a new Call-ID (the phone rebooted) may update at any CSeq")
        XCTAssertEqual(RegisterBuilder.contacts(otherCall.response), ["<sip:1001@192.0.2.10:5060>;expires=300"])
    }

    func testQValuesAreKeptAndListed() throws {
        var registrar = RegisterBuilder.openRegistrar()
        let outcome = registrar.handleRegister(try RegisterBuilder.request(contacts: ["<sip:a@192.0.2.10>;q=0.7", "<sip:b@192.0.2.10>;q=1.0"], expires: "60"),
                                               source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(Set(RegisterBuilder.contacts(outcome.response)), ["<sip:a@192.0.2.10>;expires=60;q=0.7", "<sip:b@192.0.2.10>;expires=60;q=1"])
        let bad = registrar.handleRegister(try RegisterBuilder.request(cseq: 2, contacts: ["<sip:a@192.0.2.10>;q=2"]), source: source, transport: .udp, now: .t0, salt: 2)
        XCTAssertEqual(bad.response.statusCode, 400)
    }

    func testFullAORReplacesOldestBindingOrRefuses() throws {
        var replacing = RegisterBuilder.openRegistrar { $0.maxBindingsPerAOR = 2; $0.whenFull = .replaceOldest }
        for (index, device) in ["a", "b", "c"].enumerated() {
            let outcome = replacing.handleRegister(try RegisterBuilder.request(callID: device, contacts: ["<sip:\(device)@192.0.2.10>"]),
                                                   source: source, transport: .udp, now: .t0.adding(seconds: Int64(index)), salt: 1)
            XCTAssertEqual(outcome.response.statusCode, 200)
            if device == "c" {
                XCTAssertTrue(outcome.events.contains { $0.kind == .registerRemoved && $0.detail == "replaced" && $0.contact == "sip:a@192.0.2.10" })
            }
        }
        XCTAssertEqual(Set(replacing.location.liveBindings(now: .t0).map(\.contact)), ["sip:b@192.0.2.10", "sip:c@192.0.2.10"])

        var rejecting = RegisterBuilder.openRegistrar { $0.maxBindingsPerAOR = 2; $0.whenFull = .reject }
        for device in ["a", "b"] {
            _ = rejecting.handleRegister(try RegisterBuilder.request(callID: device, contacts: ["<sip:\(device)@192.0.2.10>"]), source: source, transport: .udp, now: .t0, salt: 1)
        }
        let refused = rejecting.handleRegister(try RegisterBuilder.request(callID: "c", contacts: ["<sip:c@192.0.2.10>"]), source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(refused.response.statusCode, 403)
        XCTAssertTrue(refused.changes.isEmpty)
        XCTAssertEqual(refused.events.first?.detail, "max_bindings")
        let refresh = rejecting.handleRegister(try RegisterBuilder.request(callID: "a", cseq: 2, contacts: ["<sip:a@192.0.2.10>"]), source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(refresh.response.statusCode, 200, "refreshing an existing binding is always allowed")
    }

    func testLoweringTheLimitPrunesOldestInsteadOfLockingPhonesOut() throws {
        var registrar = RegisterBuilder.openRegistrar { $0.maxBindingsPerAOR = 5 }
        for (index, device) in ["a", "b", "c", "d"].enumerated() {
            _ = registrar.handleRegister(try RegisterBuilder.request(callID: device, contacts: ["<sip:\(device)@192.0.2.10>"]),
                                         source: source, transport: .udp, now: .t0.adding(seconds: Int64(index)), salt: 1)
        }
        var lowered = registrar.configuration
        lowered.maxBindingsPerAOR = 2
        let (changes, events) = registrar.reconfigure(lowered, now: .t0.adding(seconds: 10))
        XCTAssertEqual(changes.count, 2)
        XCTAssertEqual(events.map(\.detail), ["max_bindings_lowered", "max_bindings_lowered"])
        XCTAssertEqual(Set(registrar.location.liveBindings(now: .t0).map(\.contact)), ["sip:c@192.0.2.10", "sip:d@192.0.2.10"])
    }

    func testNATIsFlaggedWhenContactDiffersFromSource() throws {
        var registrar = RegisterBuilder.openRegistrar()
        let behindNAT = SourceAddress(ip: "203.0.113.7", port: 40112)!
        let outcome = registrar.handleRegister(try RegisterBuilder.request(contacts: ["<sip:1001@10.0.0.5:5060>"]), source: behindNAT, transport: .udp, now: .t0, salt: 1)
        guard case .upsert(let binding) = outcome.changes.first else { return XCTFail("expected a binding") }
        XCTAssertTrue(binding.nat)
        XCTAssertEqual(binding.source, behindNAT)
        let via = try XCTUnwrap(outcome.response.headers.values("Via").first)
        XCTAssertTrue(via.contains("received=203.0.113.7"), via)
        XCTAssertTrue(via.contains("rport=40112"), via)

        let samePortOverTCP = registrar.handleRegister(try RegisterBuilder.request(callID: "tcp", contacts: ["<sip:1001@203.0.113.7:5060;transport=tcp>"]),
                                                       source: behindNAT, transport: .tcp, now: .t0, salt: 1)
        guard case .upsert(let tcpBinding) = samePortOverTCP.changes.first else { return XCTFail("expected a binding") }
        XCTAssertFalse(tcpBinding.nat, "over TCP the ephemeral source port does not mean NAT")
    }

    func testResponsesGoToRportOrToTheViaPort() throws {
        let withRport = try RegisterBuilder.request()
        let nat = SourceAddress(ip: "203.0.113.7", port: 40112)!
        XCTAssertEqual(ResponseFactory.destination(for: withRport, source: nat, transport: .udp, forceRport: false), nat)
        let without = try RegisterBuilder.request(via: "SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK2")
        XCTAssertEqual(ResponseFactory.destination(for: without, source: nat, transport: .udp, forceRport: false), SourceAddress(ip: "203.0.113.7", port: 5070)!)
        XCTAssertEqual(ResponseFactory.destination(for: without, source: nat, transport: .udp, forceRport: true), nat)
    }

    func testLapsedBindingsAreHiddenAndSweptWithEvents() throws {
        var registrar = RegisterBuilder.openRegistrar()
        _ = registrar.handleRegister(try RegisterBuilder.request(expires: "60"), source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(registrar.location.liveBindings(now: .t0.adding(seconds: 61)).count, 0, "lapsed bindings are not alive even before the sweep")
        let (changes, events) = registrar.expire(now: .t0.adding(seconds: 61))
        XCTAssertEqual(changes.count, 1)
        XCTAssertEqual(events.map(\.kind), [.registerExpired])
        XCTAssertEqual(registrar.location.count, 0)
    }

    func testUnsupportedRequireGets420() throws {
        var registrar = RegisterBuilder.openRegistrar()
        let outcome = registrar.handleRegister(try RegisterBuilder.request(extraHeaders: ["Require: nothingSupportsThis"]), source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(outcome.response.statusCode, 420)
        XCTAssertEqual(outcome.response.headers.first("Unsupported"), "nothingSupportsThis")
    }

    func testNonSIPAddressOfRecordIsRefused() throws {
        var registrar = RegisterBuilder.openRegistrar()
        let text = "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK3\r\nMax-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <http://example.com/a>\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\nContact: <sip:a@192.0.2.10>\r\nContent-Length: 0\r\n\r\n"
        guard case .request(let request) = try SIPParser.parse(Array(text.utf8)) else { return XCTFail("not a request") }
        let outcome = registrar.handleRegister(request, source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(outcome.response.statusCode, 400)
        XCTAssertEqual(registrar.location.count, 0)
    }
}

extension RegistrarBindingTests {
    func testReviewerSeesAuthenticatedAddsAndCanRefuse() throws {
        var registrar = RegisterBuilder.openRegistrar()
        var seen: [RegisterReview] = []
        let first = registrar.handleRegister(try RegisterBuilder.request(expires: "600"), source: RegisterBuilder.source, transport: .udp,
                                             now: .t0, salt: 1) { review in
            seen.append(review)
            return .allow
        }
        XCTAssertEqual(first.response.statusCode, 200)
        XCTAssertEqual(seen.first?.aor, "sip:1001@example.com")
        XCTAssertEqual(seen.first?.liveBindingSources, [])

        let elsewhere = SourceAddress(ip: "198.51.100.9", port: 5060)!
        let refused = registrar.handleRegister(try RegisterBuilder.request(callID: "other", contacts: ["<sip:1001@198.51.100.9>"]), source: elsewhere,
                                               transport: .udp, now: .t0, salt: 2) { review in
            seen.append(review)
            return .refuse(status: 403, reason: "Source Not Allowed", eventKind: .aclDenied, detail: "allowlist")
        }
        XCTAssertEqual(refused.response.statusCode, 403)
        XCTAssertEqual(refused.response.reasonPhrase, "Source Not Allowed")
        XCTAssertEqual(refused.events.map(\.kind), [.aclDenied])
        XCTAssertTrue(refused.changes.isEmpty)
        XCTAssertEqual(seen.last?.liveBindingSources, [IPAddress("192.0.2.10")!], "the reviewer sees where the AOR is registered from")
        XCTAssertEqual(registrar.location.count, 1)

        var asked = false
        let removal = registrar.handleRegister(try RegisterBuilder.request(cseq: 9, expires: "0"), source: RegisterBuilder.source, transport: .udp,
                                               now: .t0, salt: 3) { _ in
            asked = true
            return .refuse(status: 403, reason: "no", eventKind: .aclDenied, detail: "x")
        }
        XCTAssertFalse(asked, "removing bindings is never refused by policy")
        XCTAssertEqual(removal.response.statusCode, 200)
    }
}
