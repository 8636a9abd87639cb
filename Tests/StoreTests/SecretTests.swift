import Foundation
import Registrar
import XCTest

@testable import Store

final class SecretTests: StoreTestCase {
    private static func randomKey() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255) } }

    func testCreatesOnceThenReturnsTheStoredValue() throws {
        let store = try SIPWardenStore(path: path)
        var calls = 0
        let first = try store.secret(named: "nonce-hmac") { calls += 1; return Self.randomKey() }
        let second = try store.secret(named: "nonce-hmac") { calls += 1; return Self.randomKey() }
        XCTAssertEqual(first.count, 32)
        XCTAssertEqual(second, first)
        XCTAssertEqual(calls, 1)
        XCTAssertNotEqual(try store.secret(named: "other") { Self.randomKey() }, first, "names are separate")
    }

    func testSurvivesReopeningWithAndWithoutClose() throws {
        let store = try SIPWardenStore(path: path)
        let key = try store.secret(named: "nonce-hmac") { Self.randomKey() }

        let crashed = try SIPWardenStore(path: path)  // the first one was never closed
        XCTAssertEqual(try crashed.secret(named: "nonce-hmac") { XCTFail("must not recreate"); return [] }, key)
        try crashed.close()
        try store.close()

        let reopened = try SIPWardenStore(path: path)
        XCTAssertEqual(try reopened.secret(named: "nonce-hmac") { XCTFail("must not recreate"); return [] }, key)
    }

    func testConcurrentCallersAllGetTheSameValue() throws {
        let store = try SIPWardenStore(path: path)
        let other = try SIPWardenStore(path: path)  // like a second process on the same file
        let results = LockedState<[[UInt8]]>([])
        let creations = LockedState(0)
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let value = try? (i.isMultiple(of: 2) ? store : other).secret(named: "shared") {
                creations.withLock { $0 += 1 }
                return Self.randomKey()
            }
            results.withLock { $0.append(value ?? []) }
        }
        let all = results.withLock { $0 }
        XCTAssertEqual(all.count, 16)
        XCTAssertEqual(Set(all).count, 1, "everyone sees the one stored key")
        XCTAssertEqual(all.first?.count, 32)
        XCTAssertEqual(creations.withLock { $0 }, 1)
    }

    func testAnEmptySecretIsStoredAsSuch() throws {
        let store = try SIPWardenStore(path: path)
        XCTAssertEqual(try store.secret(named: "empty") { [] }, [])
        XCTAssertEqual(try store.secret(named: "empty") { [1] }, [])
    }
}
