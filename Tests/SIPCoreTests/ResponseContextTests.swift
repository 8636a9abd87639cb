import SIPCore
import XCTest

final class ResponseContextTests: XCTestCase {
    func testMinimalReply() {
        let context = ResponseContext(via: ["SIP/2.0/UDP a;branch=z9hG4bK1", "SIP/2.0/UDP b;branch=z9hG4bK2"], from: "<sip:x@y>;tag=1", to: "<sip:x@y>", callID: "c1", cseq: "5 REGISTER")
        let text = String(decoding: context.response(statusCode: 400, reasonPhrase: nil), as: UTF8.self)
        XCTAssertEqual(text, "SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK2\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: c1\r\nCSeq: 5 REGISTER\r\nContent-Length: 0\r\n\r\n")
        let tagged = String(decoding: context.response(statusCode: 505, reasonPhrase: "Nope", toTag: "abc"), as: UTF8.self)
        XCTAssertTrue(tagged.hasPrefix("SIP/2.0 505 Nope\r\n"))
        XCTAssertTrue(tagged.contains("\r\nTo: <sip:x@y>;tag=abc\r\n"))
    }

    func testHostileValuesCannotInjectLines() {
        let context = ResponseContext(via: ["a\r\nX-Injected: 1"], from: "f\n", to: "t\r", callID: "c\u{0}", cseq: "1 R\r\n\r\nBODY")
        let wire = context.response(statusCode: 400, reasonPhrase: "Bad\r\nX: y")
        let text = String(decoding: wire, as: UTF8.self)
        XCTAssertEqual(text.components(separatedBy: "\r\n").count, 9)  // 7 lines, blank line, end
        XCTAssertFalse(wire.contains(0))
        XCTAssertFalse(text.contains("\r\nX-Injected"))
        XCTAssertFalse(text.contains("\r\nBODY"))
    }

    func testOutOfRangeStatusFallsBackTo400() {
        let context = ResponseContext(via: ["v"], from: "f", to: "t", callID: "c", cseq: "1 A")
        XCTAssertTrue(String(decoding: context.response(statusCode: 42, reasonPhrase: nil), as: UTF8.self).hasPrefix("SIP/2.0 400 Bad Request\r\n"))
    }

    func testParserAttachesTheContextOfABrokenRequest() throws {
        let error = try XCTUnwrap(TestMessages.error(TestMessages.register(replacing: ["CSeq": "CSeq: 99999999999 REGISTER"])))
        let context = try XCTUnwrap(error.responseContext)
        XCTAssertEqual(context.via, ["SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport"])
        XCTAssertEqual(context.from, "\"Alice\" <sip:alice@example.com>;tag=1928301774")
        XCTAssertEqual(context.to, "\"Alice\" <sip:alice@example.com>")
        XCTAssertEqual(context.callID, "a84b4c76e66710@pc33.example.com")
        XCTAssertEqual(context.cseq, "99999999999 REGISTER")
        XCTAssertTrue(error.description.contains("CSeq"))
    }
}
