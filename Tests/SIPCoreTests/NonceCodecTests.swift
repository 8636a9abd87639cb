import SIPCore
import XCTest

final class NonceCodecTests: XCTestCase {
    let codec = NonceCodec(secret: Array("0123456789abcdef0123456789abcdef".utf8))

    func testRoundTrip() {
        for (time, salt) in [(Int64(0), UInt64(0)), (1_700_000_000, 42), (Int64.max, UInt64.max), (-5, 7)] {
            let nonce = codec.make(issuedAt: time, salt: salt)
            XCTAssertEqual(codec.issuedAt(of: nonce), time)
            XCTAssertTrue((40...60).contains(nonce.count), nonce)
            XCTAssertTrue(nonce.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, nonce)
        }
    }

    func testSaltMakesNoncesDistinct() {
        XCTAssertNotEqual(codec.make(issuedAt: 100, salt: 1), codec.make(issuedAt: 100, salt: 2))
        XCTAssertEqual(codec.make(issuedAt: 100, salt: 1), codec.make(issuedAt: 100, salt: 1), "pure function of its inputs")
    }

    func testTamperingIsDetected() {
        let nonce = codec.make(issuedAt: 1_700_000_000, salt: 99)
        var chars = Array(nonce)
        for index in chars.indices {
            let original = chars[index]
            chars[index] = original == "A" ? "B" : "A"
            XCTAssertNil(codec.issuedAt(of: String(chars)), "flipped position \(index)")
            chars[index] = original
        }
        XCTAssertNil(codec.issuedAt(of: String(nonce.dropLast())))
        XCTAssertNil(codec.issuedAt(of: nonce + "A"))
        XCTAssertNil(codec.issuedAt(of: ""))
        XCTAssertNil(codec.issuedAt(of: "not a nonce at all, \"quoted\""))
        XCTAssertNil(codec.issuedAt(of: String(repeating: "A", count: 10_000)))
    }

    func testOtherSecretRejects() {
        let nonce = codec.make(issuedAt: 5, salt: 5)
        XCTAssertNil(NonceCodec(secret: Array("another secret entirely..........".utf8)).issuedAt(of: nonce))
    }

    func testBinding() {
        let nonce = codec.make(issuedAt: 9, salt: 1, binding: Array("192.0.2.1".utf8))
        XCTAssertEqual(codec.issuedAt(of: nonce, binding: Array("192.0.2.1".utf8)), 9)
        XCTAssertNil(codec.issuedAt(of: nonce, binding: Array("192.0.2.2".utf8)))
        XCTAssertNil(codec.issuedAt(of: nonce))
    }
}
