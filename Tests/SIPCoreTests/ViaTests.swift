import SIPCore
import XCTest

final class ViaTests: XCTestCase {
    func parse(_ text: String) throws -> Via { try Via.parse(Substring(text)) }

    func testBasicVia() throws {
        let via = try parse("SIP/2.0/udp PC33.Atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5070;ttl=1")
        XCTAssertEqual(via.protocolName, "SIP")
        XCTAssertEqual(via.protocolVersion, "2.0")
        XCTAssertEqual(via.transport, "UDP")
        XCTAssertEqual(via.host, "pc33.atlanta.com")
        XCTAssertEqual(via.port, 5066)
        XCTAssertEqual(via.branch, "z9hG4bK776asdhds")
        XCTAssertEqual(via.received, "192.0.2.1")
        XCTAssertTrue(via.hasRport)
        XCTAssertEqual(via.rport, 5070)
        XCTAssertEqual(via.parameters["ttl"], .some("1"))
        XCTAssertEqual(via.description, "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5070;ttl=1")
    }

    func testWhitespaceInsideSentProtocolAndSentBy() throws {
        let via = try parse("SIP  /   2.0 /UDP    192.0.2.2 : 5060 ;branch=390skdjuw")
        XCTAssertEqual(via.transport, "UDP")
        XCTAssertEqual(via.host, "192.0.2.2")
        XCTAssertEqual(via.port, 5060)
        XCTAssertEqual(via.branch, "390skdjuw")
        let spaced = try parse("SIP  / 2.0  / TCP     spindle.example.com   ;   branch  =   z9hG4bK9ikj8  ")
        XCTAssertEqual(spaced.branch, "z9hG4bK9ikj8")
    }

    func testIPv6SentBy() throws {
        let via = try parse("SIP/2.0/TLS [2001:DB8::9]:5061;branch=z9hG4bK1;received=[2001:db8::99]")
        XCTAssertEqual(via.host, "[2001:db8::9]")
        XCTAssertEqual(via.port, 5061)
        XCTAssertEqual(via.received, "[2001:db8::99]")
        XCTAssertEqual(try parse("SIP/2.0/UDP [::1]").host, "[::1]")
    }

    func testRport() throws {
        let flag = try parse("SIP/2.0/UDP h;rport;branch=z9hG4bK1")
        XCTAssertTrue(flag.hasRport)
        XCTAssertNil(flag.rport)
        var via = try parse("SIP/2.0/UDP h;branch=z9hG4bK1")
        XCTAssertFalse(via.hasRport)
        via.hasRport = true
        XCTAssertEqual(via.description, "SIP/2.0/UDP h;branch=z9hG4bK1;rport")
        via.rport = 40000
        via.received = "198.51.100.7"
        XCTAssertEqual(via.description, "SIP/2.0/UDP h;branch=z9hG4bK1;rport=40000;received=198.51.100.7")
        XCTAssertEqual(try parse(via.description), via)
        via.branch = nil
        via.hasRport = false
        XCTAssertEqual(via.description, "SIP/2.0/UDP h;received=198.51.100.7")
    }

    func testMemberwiseInit() {
        let via = Via(transport: "tcp", host: "Proxy.Example.com", port: 5060, parameters: SIPParameters([("branch", "z9hG4bKx")]))
        XCTAssertEqual(via.description, "SIP/2.0/TCP proxy.example.com:5060;branch=z9hG4bKx")
    }

    func testRejectsMalformedVia() {
        let bad = [
            "", "SIP/2.0", "SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0 UDP host", "SIP//UDP host", "SIP/2.0/UDPhost",
            "SIP/2.0/UDP host:", "SIP/2.0/UDP host:70000", "SIP/2.0/UDP host;", "SIP/2.0/UDP host;;", "SIP/2.0/UDP host;rport=abc",
            "SIP/2.0/UDP host;rport=0", "SIP/2.0/UDP host;rport=70000", "SIP/2.0/UDP host;branch", "SIP/2.0/UDP host garbage",
            "SIP/2.0/UDP [::1", "SIP/2.0/UDP host;x=\"open",
        ]
        for text in bad {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertEqual((error as? SIPParseError)?.header, "Via", text)
            }
        }
    }
}
