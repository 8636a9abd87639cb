import Foundation
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

    /// Vectors computed outside Swift (Python's hmac: base64url of issuedAt | salt |
    /// HMAC-SHA256(secret, issuedAt | salt | len(binding) as 8 bytes BE | binding)[0..<16]), so
    /// keying the HMAC once keeps the nonces of a running registrar valid across the upgrade.
    func testNoncesMatchIndependentlyComputedVectors() {
        XCTAssertEqual(codec.make(issuedAt: 1_700_000_000, salt: 42), "AAAAAGVT8QAAAAAAAAAAKh1vhO5RsO6bkEvaIFpkYtc")
        XCTAssertEqual(codec.make(issuedAt: 0, salt: 0), "AAAAAAAAAAAAAAAAAAAAAC1e0rE8BcVWwtYl7nvg5Kc")
        XCTAssertEqual(codec.make(issuedAt: 1_700_000_000, salt: 42, binding: [192, 0, 2, 1]), "AAAAAGVT8QAAAAAAAAAAKl5ZUikiWZlpH3fIkQbv348")
        XCTAssertEqual(codec.make(issuedAt: 0, salt: 0, binding: [192, 0, 2, 1]), "AAAAAAAAAAAAAAAAAAAAAH0q6i4L378ksmfUW0rKk4A")
        XCTAssertEqual(codec.issuedAt(of: "AAAAAGVT8QAAAAAAAAAAKh1vhO5RsO6bkEvaIFpkYtc"), 1_700_000_000)
    }

    /// One codec (one keyed HMAC state) shared by threads that make and check nonces at once,
    /// as the daemon's event loops do: every copy must hash on its own state.
    func testSharedCodecIsSafeAcrossThreads() {
        let shared = codec
        let failures = ManagedAtomicCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<400 {
                let time = Int64(thread * 1000 + index)
                let nonce = shared.make(issuedAt: time, salt: UInt64(index))
                if shared.issuedAt(of: nonce) != time { failures.increment() }
                if shared.issuedAt(of: nonce, binding: [1]) != nil { failures.increment() }
            }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(shared.make(issuedAt: 0, salt: 0), "AAAAAAAAAAAAAAAAAAAAAC1e0rE8BcVWwtYl7nvg5Kc", "the shared state is unchanged")
    }
}

/// A counter threads can bump (a lock: XCTest has no atomics).
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }

    var value: Int { lock.withLock { count } }
}
