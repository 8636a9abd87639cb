import _CryptoExtras
import Crypto
import Foundation
import Synchronization

/// The web console's password hashing: PBKDF2-HMAC-SHA256 (swift-crypto's `_CryptoExtras`)
/// with a random 16-byte salt and `iterations` rounds; checked in constant time.
enum ConsolePasswordHash {
    /// Rounds for new hashes: OWASP's figure for PBKDF2-HMAC-SHA256 (2023).
    static let iterations = 600_000
    /// Bytes of salt and of hash.
    static let saltBytes = 16
    static let hashBytes = 32
    /// Hashings allowed at once: a flood of logins must not become a flood of threads.
    static let maximumConcurrent = 4
    private static let running = Atomic<Int>(0)

    /// Runs `work` when fewer than `maximumConcurrent` hashings run, else returns nil at once.
    static func bounded<T>(_ work: () throws -> T) rethrows -> T? {
        guard running.add(1, ordering: .acquiring).newValue <= maximumConcurrent else {
            running.subtract(1, ordering: .releasing)
            return nil
        }
        defer { running.subtract(1, ordering: .releasing) }
        return try work()
    }

    /// A fresh random salt.
    static func makeSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// PBKDF2-SHA256(password, salt, iterations).
    static func hash(_ password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: hashBytes, unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Whether `password` hashes to `expected`, compared in constant time.
    static func matches(_ password: String, salt: [UInt8], iterations: Int, expected: [UInt8]) -> Bool {
        guard let actual = try? hash(password, salt: salt, iterations: iterations), actual.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in actual.indices { difference |= actual[index] ^ expected[index] }
        return difference == 0
    }
}
