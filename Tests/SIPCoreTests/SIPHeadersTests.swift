import SIPCore
import XCTest

final class SIPHeadersTests: XCTestCase {
    func testCompactAndCaseVariantsAreCanonicalized() {
        var headers = SIPHeaders()
        let pairs = [("v", "a"), ("m", "b"), ("i", "c"), ("f", "d"), ("t", "e"), ("l", "0"), ("c", "text/plain"),
                     ("e", "gzip"), ("k", "path"), ("s", "hi"), ("o", "reg"), ("r", "<sip:x>"), ("u", "presence"),
                     ("CALL-ID", "x"), ("cseq", "1 REGISTER"), ("www-authenticate", "Digest"), ("user-agent", "ua")]
        for (name, value) in pairs { headers.add(name, value) }
        XCTAssertEqual(headers.map(\.name), [
            "Via", "Contact", "Call-ID", "From", "To", "Content-Length", "Content-Type", "Content-Encoding", "Supported",
            "Subject", "Event", "Refer-To", "Allow-Events", "Call-ID", "CSeq", "WWW-Authenticate", "User-Agent",
        ])
    }

    func testLookupsAreCaseInsensitiveAndAcceptCompactNames() {
        var headers = SIPHeaders()
        headers.add("Call-ID", "abc")
        headers.add("X-Custom", "1")
        XCTAssertEqual(headers.first("i"), "abc")
        XCTAssertEqual(headers.first("call-id"), "abc")
        XCTAssertEqual(headers.first("x-CUSTOM"), "1")
        XCTAssertNil(headers.first("Contact"))
        XCTAssertTrue(headers.contains("I"))
    }

    func testUnknownNamesKeepTheFirstSeenSpelling() {
        var headers = SIPHeaders()
        headers.add("X-Foo", "1")
        headers.add("x-foo", "2")
        headers.add("NewFangledHeader", "3")
        XCTAssertEqual(headers.map(\.name), ["X-Foo", "X-Foo", "NewFangledHeader"])
        XCTAssertEqual(headers.values("X-FOO"), ["1", "2"])
    }

    func testSetReplacesInPlaceAndRemoveDropsAll() {
        var headers = SIPHeaders([("Via", "a"), ("Expires", "1"), ("To", "t"), ("Expires", "2")])
        headers.set("expires", "60")
        XCTAssertEqual(headers.map(\.name), ["Via", "Expires", "To"])
        XCTAssertEqual(headers.first("Expires"), "60")
        headers.set("Min-Expires", "30")
        XCTAssertEqual(headers.map(\.name).last, "Min-Expires")
        headers.remove("v")
        XCTAssertNil(headers.first("Via"))
        XCTAssertEqual(headers.count, 3)
    }

    func testListValuedHeadersAreSplitRespectingQuotesAndBrackets() {
        var headers = SIPHeaders()
        headers.add("Contact", "\"Doe, John\" <sip:john@example.com>;q=0.5, <sip:a@b;x=1,2>")
        headers.add("m", "sip:c@d")
        headers.add("Allow", "INVITE, ACK ,, BYE")
        headers.add("Supported", "path,  outbound,gruu")
        headers.add("Accept", "application/sdp, application/pkcs7-mime,\t multipart/mixed")
        XCTAssertEqual(headers.values("Contact"), ["\"Doe, John\" <sip:john@example.com>;q=0.5", "<sip:a@b;x=1,2>", "sip:c@d"])
        XCTAssertEqual(headers.values("Allow"), ["INVITE", "ACK", "BYE"])
        XCTAssertEqual(headers.values("k"), ["path", "outbound", "gruu"])
        XCTAssertEqual(headers.values("Accept").count, 3)
    }

    func testNonListHeadersAreNotSplit() {
        var headers = SIPHeaders()
        headers.add("Authorization", "Digest username=\"a\", realm=\"b\"")
        headers.add("Date", "Sat, 13 Nov 2010 23:29:00 GMT")
        headers.add("User-Agent", "Phone, v1")
        headers.add("Subject", "a, b")
        XCTAssertEqual(headers.values("Authorization"), ["Digest username=\"a\", realm=\"b\""])
        XCTAssertEqual(headers.values("Date"), ["Sat, 13 Nov 2010 23:29:00 GMT"])
        XCTAssertEqual(headers.values("User-Agent"), ["Phone, v1"])
        XCTAssertEqual(headers.values("s"), ["a, b"])
        XCTAssertEqual(headers.lines("Authorization").count, 1)
    }

    func testEqualityAndIteration() {
        let a = SIPHeaders([("v", "x"), ("To", "y")])
        let b = SIPHeaders([("Via", "x"), ("to", "y")])
        XCTAssertEqual(a, b)
        var names: [String] = []
        for (name, _) in a { names.append(name) }
        XCTAssertEqual(names, ["Via", "To"])
        XCTAssertEqual(a.fields.map(\.value), ["x", "y"])
    }
}
