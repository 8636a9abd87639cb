import SIPCore
import XCTest

final class SIPRequestTests: XCTestCase {
    func makeHeaders(contact: [String] = [], extra: [(String, String)] = []) -> SIPHeaders {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa")
        headers.add("Via", "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKb, SIP/2.0/UDP [2001:db8::1];branch=z9hG4bKc")
        headers.add("From", "<sip:bob@example.com>;tag=f1")
        headers.add("To", "<sip:bob@example.com>")
        headers.add("Call-ID", "call-1")
        headers.add("CSeq", "2 REGISTER")
        headers.add("Max-Forwards", "70")
        for value in contact { headers.add("Contact", value) }
        for (name, value) in extra { headers.add(name, value) }
        return headers
    }

    func makeRequest(contact: [String] = [], extra: [(String, String)] = []) throws -> SIPRequest {
        try SIPRequest(method: .register, uri: SIPURI.parse("sip:example.com"), headers: makeHeaders(contact: contact, extra: extra))
    }

    func testInitializerValidatesLikeTheParser() throws {
        let request = try makeRequest()
        XCTAssertEqual(request.via.map(\.host), ["192.0.2.1", "proxy.example.com", "[2001:db8::1]"])
        XCTAssertEqual(request.cseq.number, 2)
        XCTAssertEqual(request.maxForwards, 70)
        XCTAssertThrowsError(try SIPRequest(method: .invite, uri: SIPURI.parse("sip:example.com"), headers: makeHeaders())) {
            XCTAssertEqual(($0 as? SIPParseError)?.kind, .cseqMethodMismatch)
        }
        var noVia = makeHeaders()
        noVia.remove("Via")
        XCTAssertThrowsError(try SIPRequest(method: .register, uri: SIPURI.parse("sip:example.com"), headers: noVia)) {
            XCTAssertEqual(($0 as? SIPParseError)?.header, "Via")
        }
        var twoCallIDs = makeHeaders()
        twoCallIDs.add("i", "call-2")
        XCTAssertThrowsError(try SIPRequest(method: .register, uri: SIPURI.parse("sip:example.com"), headers: twoCallIDs)) {
            XCTAssertEqual(($0 as? SIPParseError)?.kind, .duplicateHeader)
        }
    }

    func testContacts() throws {
        XCTAssertEqual(try makeRequest().contacts(), .addresses([]))
        let two = try makeRequest(contact: ["<sip:a@192.0.2.1>;expires=0, \"B, Jr\" <sip:b@192.0.2.2>", "sip:c@192.0.2.3;q=0.1"])
        guard case .addresses(let addresses) = try two.contacts() else { return XCTFail("addresses") }
        XCTAssertEqual(addresses.map(\.uri.user), ["a", "b", "c"])
        XCTAssertEqual(addresses[1].displayName, "B, Jr")
        XCTAssertEqual(addresses[2].parameters["q"], .some("0.1"))

        XCTAssertEqual(try makeRequest(contact: ["*"]).contacts(), .wildcard(parameters: SIPParameters()))
        XCTAssertEqual(try makeRequest(contact: [" * "]).contacts(), .wildcard(parameters: SIPParameters()))
        XCTAssertEqual(try makeRequest(contact: ["*;expires=0"]).contacts(), .wildcard(parameters: SIPParameters([("expires", "0")])))
        for bad in [["*", "<sip:a@b>"], ["*, <sip:a@b>"], ["<sip:a@b>, *"], ["<sip:a@b>,"], ["<sip:a@b>, , <sip:c@d>"], ["*x"], ["sip:a@b?x=y"]] {
            XCTAssertThrowsError(try makeRequest(contact: bad).contacts(), "\(bad)") {
                XCTAssertEqual(($0 as? SIPParseError)?.header, "Contact")
            }
        }
    }

    func testExpires() throws {
        XCTAssertNil(try makeRequest().expires())
        XCTAssertEqual(try makeRequest(extra: [("Expires", "3600")]).expires(), 3600)
        XCTAssertEqual(try makeRequest(extra: [("Expires", "0")]).expires(), 0)
        XCTAssertEqual(try makeRequest(extra: [("Expires", "4294967295")]).expires(), UInt32.max)
        let cases: [(String, SIPParseError.Kind)] = [
            ("4294967296", .valueOutOfRange), (String(repeating: "1", count: 100), .valueOutOfRange),
            ("-1", .malformedHeader), ("soon", .malformedHeader), ("", .malformedHeader), ("Thu, 01 Dec 1994 16:00:00 GMT", .malformedHeader),
        ]
        for (value, kind) in cases {
            XCTAssertThrowsError(try makeRequest(extra: [("Expires", value)]).expires(), value) {
                XCTAssertEqual(($0 as? SIPParseError)?.kind, kind, value)
            }
        }
        XCTAssertThrowsError(try makeRequest(extra: [("Expires", "1"), ("Expires", "2")]).expires())
    }

    func testDigestCredentialsSkipOtherSchemes() throws {
        let request = try makeRequest(extra: [
            ("Authorization", "NoOneKnowsThisScheme opaque-data=here"),
            ("Authorization", "Digest username=\"bob\", realm=\"example.com\", nonce=\"n1\", uri=\"sip:example.com\", response=\"abc\""),
            ("Authorization", "digest username=\"bob\", realm=\"other\", nonce=\"n2\", uri=\"sip:example.com\", response=\"def\", algorithm=SHA-256"),
            ("Proxy-Authorization", "Digest username=\"x\", realm=\"y\", nonce=\"z\", uri=\"u\", response=\"r\""),
        ])
        let credentials = try request.digestCredentials()
        XCTAssertEqual(credentials.map(\.realm), ["example.com", "other"])
        XCTAssertEqual(credentials.map(\.digestAlgorithm), [.md5, .sha256])
        XCTAssertThrowsError(try makeRequest(extra: [("Authorization", "Digest username=\"bob\"")]).digestCredentials())
    }

    func testOptionTagsAndUserAgent() throws {
        let request = try makeRequest(extra: [("Require", "path, outbound"), ("Require", "gruu"), ("Proxy-Require", "foo"), ("User-Agent", "Yealink SIP-T46S 66.85.0.5")])
        XCTAssertEqual(request.requireTags(), ["path", "outbound", "gruu"])
        XCTAssertEqual(request.proxyRequireTags(), ["foo"])
        XCTAssertEqual(request.userAgent, "Yealink SIP-T46S 66.85.0.5")
        XCTAssertEqual(try makeRequest().requireTags(), [])
    }

    func testSerializeRoundTrips() throws {
        let original = try TestMessages.request(TestMessages.register(extra: ["Content-Type: text/plain"], body: "hi there"))
        let wire = original.serialize()
        let text = String(decoding: wire, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("REGISTER sip:example.com SIP/2.0\r\n"))
        XCTAssertTrue(text.contains("\r\nContent-Length: 8\r\n"))
        XCTAssertTrue(text.hasSuffix("\r\n\r\nhi there"))
        XCTAssertEqual(text.components(separatedBy: "Content-Length").count, 2, "written exactly once")
        let reparsed = try TestMessages.request(wire)
        XCTAssertEqual(reparsed, original)
    }

    func testSerializeRecomputesContentLengthAndSanitizes() throws {
        var request = try makeRequest(extra: [("Content-Length", "999")])
        request.body = Array("abc".utf8)
        request.headers.add("X-Injected", "a\r\nVia: SIP/2.0/UDP evil")
        let text = String(decoding: request.serialize(), as: UTF8.self)
        XCTAssertTrue(text.contains("\r\nContent-Length: 3\r\n"))
        XCTAssertTrue(text.hasSuffix("\r\n\r\nabc"))
        XCTAssertFalse(text.contains("999"))
        XCTAssertTrue(text.contains("X-Injected: a  Via: SIP/2.0/UDP evil\r\n"))
        let reparsed = try TestMessages.request(request.serialize())
        XCTAssertEqual(reparsed.via.count, 3)
    }
}
