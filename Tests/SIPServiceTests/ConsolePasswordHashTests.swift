@testable import SIPService
import XCTest

/// The console's password hashes: PBKDF2-SHA256, salted, checked in constant time.
final class ConsolePasswordHashTests: XCTestCase {
    func testTheKnownPBKDF2VectorAndSalting() throws {
        // RFC 7914 §11's PBKDF2-HMAC-SHA256 vector: P="passwd", S="salt", c=1, dkLen=64 begins 55ac046e.
        let vector = try ConsolePasswordHash.hash("passwd", salt: Array("salt".utf8), iterations: 1)
        XCTAssertEqual(vector.prefix(4), [0x55, 0xAC, 0x04, 0x6E])
        let salt = ConsolePasswordHash.makeSalt()
        XCTAssertEqual(salt.count, 16)
        XCTAssertNotEqual(salt, ConsolePasswordHash.makeSalt(), "every hash gets its own salt")
        let hash = try ConsolePasswordHash.hash("correct horse", salt: salt, iterations: 1000)
        XCTAssertTrue(ConsolePasswordHash.matches("correct horse", salt: salt, iterations: 1000, expected: hash))
        XCTAssertFalse(ConsolePasswordHash.matches("correct horsf", salt: salt, iterations: 1000, expected: hash))
        XCTAssertFalse(ConsolePasswordHash.matches("correct horse", salt: ConsolePasswordHash.makeSalt(), iterations: 1000, expected: hash))
        XCTAssertFalse(ConsolePasswordHash.matches("correct horse", salt: salt, iterations: 1001, expected: hash))
    }
}
