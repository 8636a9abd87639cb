import SIPCore
import XCTest

final class SIPResponseTests: XCTestCase {
    func testDefaultReasonPhrases() {
        XCTAssertEqual(SIPResponse(statusCode: 200).reasonPhrase, "OK")
        XCTAssertEqual(SIPResponse(statusCode: 401).reasonPhrase, "Unauthorized")
        XCTAssertEqual(SIPResponse(statusCode: 423).reasonPhrase, "Interval Too Brief")
        XCTAssertEqual(SIPResponse(statusCode: 505).reasonPhrase, "Version Not Supported")
        XCTAssertEqual(SIPResponse(statusCode: 499).reasonPhrase, "Client Error")
        XCTAssertEqual(SIPResponse(statusCode: 200, reasonPhrase: "Fine").reasonPhrase, "Fine")
    }

    func testReplyCopiesTheTransactionHeaders() throws {
        let request = try TestMessages.request(TestMessages.register(
            replacing: ["Via": "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport, SIP/2.0/TCP p.example.com;branch=z9hG4bK0"],
            extra: ["v: SIP/2.0/UDP last.example.com;branch=z9hG4bKz"]
        ))
        let response = SIPResponse.reply(to: request, statusCode: 401, toTag: "srv1")
        XCTAssertEqual(response.headers.lines("Via"), [
            "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport, SIP/2.0/TCP p.example.com;branch=z9hG4bK0",
            "SIP/2.0/UDP last.example.com;branch=z9hG4bKz",
        ])
        XCTAssertEqual(response.headers.first("From"), "\"Alice\" <sip:alice@example.com>;tag=1928301774")
        XCTAssertEqual(response.headers.first("To"), "\"Alice\" <sip:alice@example.com>;tag=srv1")
        XCTAssertEqual(response.headers.first("Call-ID"), "a84b4c76e66710@pc33.example.com")
        XCTAssertEqual(response.headers.first("CSeq"), "314159 REGISTER")
        XCTAssertEqual(response.cseq, CSeq(number: 314159, method: .register))
        XCTAssertEqual(response.callID, "a84b4c76e66710@pc33.example.com")
        XCTAssertEqual(response.reasonPhrase, "Unauthorized")
    }

    func testReplyKeepsAnExistingToTag() throws {
        let request = try TestMessages.request(TestMessages.register(replacing: ["To:": "To: sip:alice@example.com;tag=abc"]))
        XCTAssertEqual(SIPResponse.reply(to: request, statusCode: 200, toTag: "new").headers.first("To"), "sip:alice@example.com;tag=abc")
        let untagged = try TestMessages.request(TestMessages.register())
        XCTAssertEqual(SIPResponse.reply(to: untagged, statusCode: 100, toTag: nil).headers.first("To"), "\"Alice\" <sip:alice@example.com>")
    }

    func testSerializeAndReparse() throws {
        let request = try TestMessages.request(TestMessages.register())
        var response = SIPResponse.reply(to: request, statusCode: 200, toTag: "t")
        response.headers.add("Contact", "<sip:alice@192.0.2.10:5060>;expires=3600")
        response.headers.add("Content-Length", "77")
        let wire = response.serialize()
        let text = String(decoding: wire, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("SIP/2.0 200 OK\r\nVia: "))
        XCTAssertTrue(text.hasSuffix("Content-Length: 0\r\n\r\n"))
        XCTAssertFalse(text.contains("Content-Length: 77"))
        guard case .response(let parsed) = try SIPParser.parse(wire) else { return XCTFail("response") }
        XCTAssertEqual(parsed.statusCode, 200)
        XCTAssertEqual(parsed.headers.first("Contact"), "<sip:alice@192.0.2.10:5060>;expires=3600")
        XCTAssertEqual(parsed.headers.first("To"), "\"Alice\" <sip:alice@example.com>;tag=t")
    }

    func testSerializeNeverWritesLineBreaksFromValues() {
        var headers = SIPHeaders()
        headers.add("Server", "x\r\n\r\nINVITE sip:evil SIP/2.0")
        let response = SIPResponse(statusCode: 200, reasonPhrase: "OK\r\nX: y", headers: headers, body: [])
        let text = String(decoding: response.serialize(), as: UTF8.self)
        XCTAssertEqual(text.components(separatedBy: "\r\n").count, 5)  // status, Server, Content-Length, "", ""
        XCTAssertTrue(text.hasPrefix("SIP/2.0 200 OK  X: y\r\n"))
    }

    func testResponseParsingValidatesMandatoryHeaders() {
        let good = ["SIP/2.0 200 OK", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "To: <sip:a@b>;tag=2", "From: <sip:a@b>;tag=1", "Call-ID: c", "CSeq: 1 REGISTER", "Content-Length: 0"]
        XCTAssertNil(TestMessages.error(TestMessages.wire(good)))
        XCTAssertEqual(TestMessages.error(TestMessages.wire(good.filter { !$0.hasPrefix("Call-ID") }))?.kind, .missingHeader)
        XCTAssertEqual(TestMessages.error(TestMessages.wire(good.map { $0.hasPrefix("CSeq") ? "CSeq: 9292394834772304023312 OPTIONS" : $0 }))?.kind, .valueOutOfRange)
    }
}
