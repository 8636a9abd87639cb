import Registrar
import SIPCore
import XCTest

/// Responses echo From, To, Call-ID and CSeq as the request carried them (RFC 3261 §8.2.6.2),
/// and stamp only the top Via.
final class ResponseFactoryTests: XCTestCase {
    let source = SourceAddress(ip: "203.0.113.7", port: 40112)!

    func request(_ headerLines: [String]) throws -> SIPRequest {
        let text = (["REGISTER sip:example.com SIP/2.0"] + headerLines + ["Content-Length: 0"]).joined(separator: "\r\n") + "\r\n\r\n"
        guard case .request(let request) = try SIPParser.parse(Array(text.utf8)) else { throw XCTSkip("not a request") }
        return request
    }

    func testAddressingHeadersAreEchoedAsTheyArrived() throws {
        let request = try request([
            "v: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1, SIP/2.0/TCP proxy.example;branch=z9hG4bK0",
            "Via: SIP/2.0/UDP edge.example:5062;branch=z9hG4bKe;received=198.51.100.1",
            "f: Alice <sip:Alice@EXAMPLE.com;user=phone>;tag=a1",
            "t: sip:alice@example.com",
            "i: call-1@host",
            "CSeq: 007   REGISTER",
        ])
        let response = ResponseFactory.response(
            to: request, statusCode: 200, source: source, toTag: "ours", serverHeader: "SIPWarden", forceRport: false
        )
        XCTAssertEqual(response.headers.lines("Via"), [
            "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=203.0.113.7",
            "SIP/2.0/TCP proxy.example;branch=z9hG4bK0",
            "SIP/2.0/UDP edge.example:5062;branch=z9hG4bKe;received=198.51.100.1",
        ])
        XCTAssertEqual(response.headers.first("From"), "Alice <sip:Alice@EXAMPLE.com;user=phone>;tag=a1")
        XCTAssertEqual(response.headers.first("To"), "sip:alice@example.com;tag=ours")
        XCTAssertEqual(response.headers.first("Call-ID"), "call-1@host")
        XCTAssertEqual(response.headers.first("CSeq"), "007   REGISTER")
        XCTAssertEqual(response.headers.first("Server"), "SIPWarden")
        XCTAssertEqual(response.headers.fields.map(\.name), ["Via", "Via", "Via", "From", "To", "Call-ID", "CSeq", "Server"])
    }

    func testATaggedToIsEchoedAndATagFlagIsReplaced() throws {
        let tagged = try request(base(to: "\"Bob\" <sip:bob@example.com>;tag=theirs;x=1"))
        XCTAssertEqual(ResponseFactory.response(to: tagged, statusCode: 200, source: source, toTag: "ours", serverHeader: nil, forceRport: true)
            .headers.first("To"), "\"Bob\" <sip:bob@example.com>;tag=theirs;x=1")
        let flag = try request(base(to: "<sip:bob@example.com>;tag;x=1"))
        XCTAssertEqual(ResponseFactory.response(to: flag, statusCode: 200, source: source, toTag: "ours", serverHeader: nil, forceRport: true)
            .headers.first("To"), "<sip:bob@example.com>;tag=ours;x=1")
        let untagged = try request(base(to: "<sip:bob@example.com>"))
        XCTAssertEqual(ResponseFactory.response(to: untagged, statusCode: 200, source: source, toTag: nil, serverHeader: nil, forceRport: true)
            .headers.first("To"), "<sip:bob@example.com>")
    }

    func testTheWholeResponseOnTheWire() throws {
        let request = try request(base(to: "<sip:bob@example.com>"))
        let response = ResponseFactory.response(to: request, statusCode: 200, source: source, toTag: "t1", serverHeader: nil, forceRport: true)
        let expected = "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK9;received=203.0.113.7;rport=40112\r\n"
            + "From: <sip:bob@example.com>;tag=f\r\n"
            + "To: <sip:bob@example.com>;tag=t1\r\n"
            + "Call-ID: c9\r\n"
            + "CSeq: 9 REGISTER\r\n"
            + "Content-Length: 0\r\n\r\n"
        XCTAssertEqual(String(decoding: response.serialize(), as: UTF8.self), expected)
    }

    func testTheSentByHostIsComparedAsAnAddress() throws {
        // RFC 3261 §18.2.1: `received` only when the sent-by differs from the packet's source.
        let v6 = SourceAddress(ip: "2001:db8::7", port: 5060)!
        for (host, stamped) in [("[2001:DB8:0::7]", false), ("[2001:db8::7]", false), ("[2001:db8::8]", true),
                                ("phone.example", true), ("203.0.113.7", true)] {
            let request = try request(["Via: SIP/2.0/UDP \(host):5060;branch=z9hG4bK1", "From: <sip:a@example.com>;tag=f",
                                       "To: <sip:a@example.com>", "Call-ID: c", "CSeq: 1 REGISTER"])
            let via = ResponseFactory.response(to: request, statusCode: 200, source: v6, toTag: nil, serverHeader: nil, forceRport: false)
                .headers.lines("Via").first ?? ""
            XCTAssertEqual(via.contains(";received=2001:db8::7"), stamped, via)
        }
    }

    func testControlCharactersInEchoedValuesCannotInjectLines() throws {
        // Header values cannot hold CR/LF after parsing, but values set by code can.
        var response = ResponseFactory.response(
            to: try request(base(to: "<sip:bob@example.com>")), statusCode: 200, source: source, toTag: "t1",
            serverHeader: "evil\r\nX-Injected: 1", forceRport: true
        )
        response.headers.add("Warning", "a\nb\u{0}c")
        let wire = String(decoding: response.serialize(), as: UTF8.self)
        XCTAssertFalse(wire.contains("\r\nX-Injected"), wire)
        XCTAssertTrue(wire.contains("Server: evil  X-Injected: 1\r\n"), wire)
        XCTAssertTrue(wire.contains("Warning: a b c\r\n"), wire)
    }

    func base(to: String) -> [String] {
        ["Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK9", "From: <sip:bob@example.com>;tag=f", "To: \(to)", "Call-ID: c9", "CSeq: 9 REGISTER"]
    }
}
