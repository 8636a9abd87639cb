import Registrar
import SIPCore
import XCTest

/// Auth modes and allowed ranges on the REGISTER path: the registrar asks the `access`
/// closure what the phone's rules say about the source, and decides before any challenge.
final class RegistrarAccessTests: XCTestCase {
    private let inside = SourceAddress(ip: "192.0.2.10", port: 5060)!
    private let outside = SourceAddress(ip: "198.51.100.1", port: 5060)!

    /// Rules as the daemon would answer them: 192.0.2.0/24 holds `inside`; port 5060 is pinned
    /// when `pinPort`.
    private func access(pinPort: Bool) -> (Subscriber, SourceAddress) -> SourceAccess {
        { _, source in
            guard source.ip.hasPrefix("192.0.2.") else { return .outside }
            return .inside(portMatched: pinPort && source.port == 5060)
        }
    }

    private func registrar(mode: AuthMode) -> Registrar {
        var subscriber = RegisterBuilder.subscriber("1001", password: "s3cret")
        subscriber.authMode = mode
        return Registrar(
            configuration: RegistrarConfiguration(nonceLifetime: 300, challengeAlgorithms: [.md5]),
            secret: Array("nonce-secret".utf8), subscribers: [subscriber])
    }

    private func register(_ registrar: inout Registrar, from source: SourceAddress, access: ((Subscriber, SourceAddress) -> SourceAccess)?) throws -> RegisterOutcome {
        registrar.handleRegister(try RegisterBuilder.request(), source: source, transport: .udp, now: .t0, salt: 7, access: access)
    }

    func testIPModeAcceptsItsRangeWithoutChallengeAndRefusesOthers() throws {
        var registrar = registrar(mode: .ip)
        let accepted = try register(&registrar, from: inside, access: access(pinPort: false))
        XCTAssertEqual(accepted.response.statusCode, 200)
        XCTAssertEqual(accepted.events.map(\.kind), [.registerAccepted])
        XCTAssertEqual(accepted.events.first?.username, "1001")
        XCTAssertEqual(registrar.location.count, 1)

        let refused = try register(&registrar, from: outside, access: access(pinPort: false))
        XCTAssertEqual(refused.response.statusCode, 403)
        XCTAssertEqual(refused.events.map(\.kind), [.aclDenied])
        XCTAssertEqual(refused.events.first?.detail, "outside_allowed_ranges")
        XCTAssertTrue(refused.changes.isEmpty)
    }

    func testIPModeWithoutRulesIsRefused() throws {
        var registrar = registrar(mode: .ip)
        let refused = try register(&registrar, from: inside, access: nil)
        XCTAssertEqual(refused.response.statusCode, 403)
        XCTAssertEqual(refused.events.first?.detail, "no_allowed_ranges")
    }

    func testIPPortModeNeedsARuleNamingTheSourcePort() throws {
        var registrar = registrar(mode: .ipPort)
        XCTAssertEqual(try register(&registrar, from: inside, access: access(pinPort: false)).events.first?.detail, "port_not_allowed")
        XCTAssertEqual(try register(&registrar, from: inside, access: access(pinPort: true)).response.statusCode, 200)
        let otherPort = SourceAddress(ip: "192.0.2.10", port: 5070)!
        XCTAssertEqual(try register(&registrar, from: otherPort, access: access(pinPort: true)).response.statusCode, 403)
    }

    /// docs/events.md: an `ip+port` phone from its address but another port than its rule
    /// names is `port_not_allowed`, not `outside_allowed_ranges` (the rules evaluated as the
    /// daemon's range table does, through `SourceAccess(sourcePort:rules:)`).
    func testIPPortPhoneFromItsAddressOnAWrongPortIsPortNotAllowed() throws {
        var registrar = registrar(mode: .ipPort)
        let rules: (Subscriber, SourceAddress) -> SourceAccess = { _, source in
            SourceAccess(sourcePort: source.port, rules: [(holdsAddress: source.ip == "192.0.2.10", port: 5060)])
        }
        let wrongPort = try register(&registrar, from: SourceAddress(ip: "192.0.2.10", port: 5070)!, access: rules)
        XCTAssertEqual(wrongPort.response.statusCode, 403)
        XCTAssertEqual(wrongPort.events.map(\.kind), [.aclDenied])
        XCTAssertEqual(wrongPort.events.first?.detail, "port_not_allowed")
        XCTAssertEqual(try register(&registrar, from: SourceAddress(ip: "192.0.2.11", port: 5060)!, access: rules).events.first?.detail,
                       "outside_allowed_ranges")
        XCTAssertEqual(try register(&registrar, from: inside, access: rules).response.statusCode, 200)
    }

    func testPasswordIPModeChallengesInsideAndRefusesOutside() throws {
        var registrar = registrar(mode: .passwordIP)
        XCTAssertEqual(try register(&registrar, from: inside, access: access(pinPort: false)).response.statusCode, 401)
        XCTAssertEqual(try register(&registrar, from: outside, access: access(pinPort: false)).response.statusCode, 403)
    }

    func testPasswordModeIsRestrictedOnlyWhenItHasRules() throws {
        var registrar = registrar(mode: .password)
        XCTAssertEqual(try register(&registrar, from: outside, access: { _, _ in .noRules }).response.statusCode, 401)
        XCTAssertEqual(try register(&registrar, from: inside, access: access(pinPort: false)).response.statusCode, 401)
        XCTAssertEqual(try register(&registrar, from: outside, access: access(pinPort: false)).response.statusCode, 403)
    }

    func testUnknownUsersAreChallengedAsBefore() throws {
        var registrar = registrar(mode: .ip)
        let outcome = registrar.handleRegister(
            try RegisterBuilder.request(user: "2002"), source: outside, transport: .udp, now: .t0, salt: 7,
            access: { _, _ in XCTFail("no subscriber, no rules asked"); return .outside })
        XCTAssertEqual(outcome.response.statusCode, 401)
    }
}
