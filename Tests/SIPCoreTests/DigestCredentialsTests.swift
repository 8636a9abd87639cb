import SIPCore
import XCTest

final class DigestCredentialsTests: XCTestCase {
    func parse(_ text: String) throws -> DigestCredentials? { try DigestCredentials.parse(headerValue: Substring(text)) }

    func testParsesTheRFC2617Example() throws {
        let credentials = try XCTUnwrap(parse("""
            Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", \
            uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", \
            response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"
            """))
        XCTAssertEqual(credentials.username, "Mufasa")
        XCTAssertEqual(credentials.realm, "testrealm@host.com")
        XCTAssertEqual(credentials.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        XCTAssertEqual(credentials.uri, "/dir/index.html")
        XCTAssertEqual(credentials.qop, "auth")
        XCTAssertEqual(credentials.nonceCount, 1)
        XCTAssertEqual(credentials.nonceCountText, "00000001")
        XCTAssertEqual(credentials.cnonce, "0a4f113b")
        XCTAssertEqual(credentials.response, "6629fae49393a05397450978507c4ef1")
        XCTAssertEqual(credentials.opaque, "5ccc069c403ebaf9f0171e9517f40e41")
        XCTAssertNil(credentials.algorithm)
        XCTAssertEqual(credentials.digestAlgorithm, .md5)

        let ha1 = Digest.ha1(username: credentials.username, realm: credentials.realm, password: "Circle Of Life", algorithm: .md5)
        let expected = Digest.response(
            ha1: ha1, method: "GET", uri: credentials.uri, nonce: credentials.nonce, nonceCount: credentials.nonceCountText,
            cnonce: credentials.cnonce, qop: credentials.qop, algorithm: .md5
        )
        XCTAssertTrue(Digest.constantTimeEquals(expected, credentials.response))
    }

    func testSchemeAndNamesAreCaseInsensitiveAndQuotedPairsUndone() throws {
        let credentials = try XCTUnwrap(parse("DIGEST USERNAME=\"a\\\"b\\\\c\",Realm=\"r, with comma\" ,NONCE=n,uri=\"sip:x@y;transport=tcp\",response=abcdef,algorithm=sha-256,NC=0000000A,qop=\"auth\""))
        XCTAssertEqual(credentials.username, "a\"b\\c")
        XCTAssertEqual(credentials.realm, "r, with comma")
        XCTAssertEqual(credentials.nonce, "n")
        XCTAssertEqual(credentials.uri, "sip:x@y;transport=tcp")
        XCTAssertEqual(credentials.algorithm, "sha-256")
        XCTAssertEqual(credentials.digestAlgorithm, .sha256)
        XCTAssertEqual(credentials.nonceCount, 10)
        XCTAssertEqual(credentials.nonceCountText, "0000000A")
        XCTAssertEqual(credentials.qop, "auth")
    }

    func testUnquotedURIIsTolerated() throws {
        let credentials = try XCTUnwrap(parse("Digest username=bob, realm=example.com, nonce=abc, uri=sip:example.com;transport=udp, response=0123"))
        XCTAssertEqual(credentials.uri, "sip:example.com;transport=udp")
        XCTAssertEqual(credentials.realm, "example.com")
    }

    func testOtherSchemesGiveNil() throws {
        XCTAssertNil(try parse("NoOneKnowsThisScheme opaque-data=here"))
        XCTAssertNil(try parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))
        XCTAssertNil(try parse("Digestive username=\"a\""))
        XCTAssertNil(try parse(""))
    }

    func testUnknownAlgorithmParsesButHasNoDigestAlgorithm() throws {
        let credentials = try XCTUnwrap(parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", algorithm=MD5-sess"))
        XCTAssertEqual(credentials.algorithm, "MD5-sess")
        XCTAssertNil(credentials.digestAlgorithm)
    }

    func testMalformedCredentials() {
        let full = "username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""
        let bad = [
            "Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
            "Digest username=\"a\", nonce=\"n\", uri=\"u\", response=\"x\"",
            "Digest username=\"a\", realm=\"r\", uri=\"u\", response=\"x\"",
            "Digest username=\"a\", realm=\"r\", nonce=\"n\", response=\"x\"",
            "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"",
            "Digest \(full), nc=1", "Digest \(full), nc=0000000g", "Digest \(full), nc=000000001",
            "Digest \(full), username=\"b\"", "Digest username=\"unterminated, realm=\"r\"", "Digest \(full),",
            "Digest \(full) extra", "Digest username", "Digest =x", "Digest username=, realm=\"r\"",
        ]
        for text in bad {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertEqual((error as? SIPParseError)?.kind, .invalidCredentials, text)
            }
        }
    }

    func testMemberwiseInitDerivesNonceCountText() {
        let credentials = DigestCredentials(username: "u", realm: "r", nonce: "n", uri: "sip:r", response: "x", nonceCount: 0x1f)
        XCTAssertEqual(credentials.nonceCountText, "0000001f")
    }
}
