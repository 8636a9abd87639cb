import SIPCore
import XCTest

final class DigestTests: XCTestCase {
    /// RFC 2617 §3.5.
    func testRFC2617Example() {
        let ha1 = Digest.ha1(username: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life", algorithm: .md5)
        XCTAssertEqual(ha1, "939e7578ed9e3c518a452acee763bce9")
        let response = Digest.response(
            ha1: ha1, method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            nonceCount: "00000001", cnonce: "0a4f113b", qop: "auth", algorithm: .md5
        )
        XCTAssertEqual(response, "6629fae49393a05397450978507c4ef1")
    }

    /// RFC 7616 §3.9.1, SHA-256 and the MD5 variant of the same example.
    func testRFC7616Example() {
        let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
        var expected: [DigestAlgorithm: String] = [:]
        expected[.sha256] = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        expected[.md5] = "8ca523f5e9506fed4657c9700eebdbec"
        for algorithm in DigestAlgorithm.allCases {
            let ha1 = Digest.ha1(username: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life", algorithm: algorithm)
            let response = Digest.response(
                ha1: ha1, method: "GET", uri: "/dir/index.html", nonce: nonce, nonceCount: "00000001", cnonce: cnonce,
                qop: "auth", algorithm: algorithm
            )
            XCTAssertEqual(response, expected[algorithm], algorithm.rawValue)
        }
    }

    /// RFC 2069 §2.4 (as corrected by its erratum): no qop.
    func testRFC2069Form() {
        let ha1 = Digest.ha1(username: "Mufasa", realm: "testrealm@host.com", password: "CircleOfLife", algorithm: .md5)
        let response = Digest.response(
            ha1: ha1, method: "GET", uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            nonceCount: nil, cnonce: nil, qop: nil, algorithm: .md5
        )
        XCTAssertEqual(response, "1949323746fe6a43ef61f9606e7febea")
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(Digest.constantTimeEquals("abc", "abc"))
        XCTAssertTrue(Digest.constantTimeEquals("", ""))
        XCTAssertFalse(Digest.constantTimeEquals("abc", "abd"))
        XCTAssertFalse(Digest.constantTimeEquals("abc", "abcd"))
        XCTAssertFalse(Digest.constantTimeEquals("abcd", "abc"))
        XCTAssertFalse(Digest.constantTimeEquals("", "a"))
    }

    func testAlgorithmNames() {
        XCTAssertEqual(DigestAlgorithm(parameter: nil), .md5)
        XCTAssertEqual(DigestAlgorithm(parameter: "md5"), .md5)
        XCTAssertEqual(DigestAlgorithm(parameter: "sha-256"), .sha256)
        XCTAssertNil(DigestAlgorithm(parameter: "MD5-sess"))
        XCTAssertNil(DigestAlgorithm(parameter: "SHA-512-256"))
        XCTAssertEqual(DigestAlgorithm.sha256.rawValue, "SHA-256")
    }
}
