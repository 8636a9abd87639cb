import SIPCore
import XCTest

final class DigestChallengeTests: XCTestCase {
    func testHeaderValueLayout() {
        let challenge = DigestChallenge(realm: "example.com", nonce: "abc-_123", algorithm: .md5, qop: "auth", stale: false, opaque: "op")
        XCTAssertEqual(challenge.headerValue, "Digest realm=\"example.com\", nonce=\"abc-_123\", opaque=\"op\", algorithm=MD5, qop=\"auth\"")
        let stale = DigestChallenge(realm: "example.com", nonce: "n", algorithm: .sha256, qop: "auth", stale: true, opaque: nil)
        XCTAssertEqual(stale.headerValue, "Digest realm=\"example.com\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\", stale=true")
        let noQop = DigestChallenge(realm: "r", nonce: "n", qop: nil)
        XCTAssertEqual(noQop.headerValue, "Digest realm=\"r\", nonce=\"n\", algorithm=MD5")
    }

    func testQuotingIsSafe() {
        let challenge = DigestChallenge(realm: "a\"b\\c\r\nX: y", nonce: "n")
        XCTAssertEqual(challenge.headerValue, "Digest realm=\"a\\\"b\\\\cX: y\", nonce=\"n\", algorithm=MD5, qop=\"auth\"")
    }

    func testParseRoundTrip() throws {
        for challenge in [
            DigestChallenge(realm: "example.com", nonce: "abc", algorithm: .md5, qop: "auth", stale: false, opaque: "op"),
            DigestChallenge(realm: "r, with \"quotes\"", nonce: "n", algorithm: .sha256, qop: nil, stale: true, opaque: nil),
        ] {
            XCTAssertEqual(try DigestChallenge.parse(headerValue: Substring(challenge.headerValue)), challenge)
        }
        XCTAssertNil(try DigestChallenge.parse(headerValue: "Basic realm=\"x\""))
        XCTAssertThrowsError(try DigestChallenge.parse(headerValue: "Digest realm=\"x\""))
        XCTAssertThrowsError(try DigestChallenge.parse(headerValue: "Digest realm=\"x\", nonce=\"y\", algorithm=SHA-512-256"))
    }
}
