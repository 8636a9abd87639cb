import Foundation
import Registrar
import XCTest

@testable import Store

/// The web console's accounts in SQLite: added, replaced, listed, kept across a reopen, removed.
final class ConsoleUserStoreTests: StoreTestCase {
    private func user(_ name: String, role: String = "admin", hash: UInt8 = 1) -> StoredConsoleUser {
        StoredConsoleUser(
            name: name, role: role, salt: Array(repeating: 7, count: 16), hash: Array(repeating: hash, count: 32),
            iterations: 600_000, createdAt: Timestamp(milliseconds: 1_700_000_000_000))
    }

    func testAccountsAreKeptReplacedAndRemoved() throws {
        let store = try SIPWardenStore(path: path)
        XCTAssertFalse(try store.upsertConsoleUser(user("alice")))
        XCTAssertFalse(try store.upsertConsoleUser(user("bob", role: "viewer")))
        XCTAssertTrue(try store.upsertConsoleUser(user("alice", role: "viewer", hash: 2)), "a second add replaces")
        try store.close()

        let reopened = try SIPWardenStore(path: path)
        XCTAssertEqual(try reopened.consoleUsers().map(\.name), ["alice", "bob"])
        let alice = try XCTUnwrap(try reopened.consoleUser(name: "alice"))
        XCTAssertEqual(alice.role, "viewer")
        XCTAssertEqual(alice.hash, Array(repeating: 2, count: 32))
        XCTAssertEqual(alice.salt, Array(repeating: 7, count: 16))
        XCTAssertEqual(alice.iterations, 600_000)
        XCTAssertTrue(try reopened.removeConsoleUser(name: "alice"))
        XCTAssertFalse(try reopened.removeConsoleUser(name: "alice"))
        XCTAssertNil(try reopened.consoleUser(name: "alice"))
    }
}
