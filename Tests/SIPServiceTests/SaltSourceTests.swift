@testable import SIPService
import Synchronization
import XCTest

/// The packet path's salts, read from the kernel in blocks of `SaltSource.poolSize`.
final class SaltSourceTests: XCTestCase {
    func testSaltsAreNonZeroAndDoNotRepeatAcrossRefills() {
        let source = SaltSource()
        let count = SaltSource.poolSize * 4 + 7  // four refills and part of a fifth
        let salts = (0..<count).map { _ in source.next() }
        XCTAssertFalse(salts.contains(0), "0 means \"no salt\" to the response builder")
        // 2,055 draws from 2^64: a repeat would mean the pool was handed out twice.
        XCTAssertEqual(Set(salts).count, count)
        // Every bit position varies: the values are random words, not counters or zeros.
        let ored = salts.reduce(0, |), anded = salts.reduce(UInt64.max, &)
        XCTAssertEqual(ored, UInt64.max)
        XCTAssertEqual(anded, 0)
    }

    func testThreadsDrawingAtOnceGetDistinctSalts() {
        let source = SaltSource()
        let perThread = 1_000
        let results = Mutex<[UInt64]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let mine = (0..<perThread).map { _ in source.next() }
            results.withLock { $0 += mine }
        }
        XCTAssertEqual(Set(results.withLock { $0 }).count, 4 * perThread, "no salt handed to two callers")
    }
}
