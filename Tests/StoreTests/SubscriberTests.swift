import Foundation
import GRDB
import Registrar
import XCTest

@testable import Store

final class SubscriberTests: StoreTestCase {
    private let t0 = Timestamp(milliseconds: 1_700_000_000_000)
    private let t1 = Timestamp(milliseconds: 1_700_000_900_000)

    func testUpsertThenGetReturnsEveryField() throws {
        let store = try SIPWardenStore(path: path)
        let alice = makeSubscriber("1001")
        let anyDomain = Subscriber(username: "1002", realm: "sipwarden", ha1MD5: "m", ha1SHA256: "s")
        try store.upsertSubscriber(alice, now: t0)
        try store.upsertSubscriber(anyDomain, now: t0)

        XCTAssertEqual(try store.subscriber(username: "1001", domain: "example.com"), alice)
        XCTAssertEqual(try store.subscriber(username: "1002", domain: nil), anyDomain)
        XCTAssertNil(try store.subscriber(username: "1001", domain: nil), "no fallback to/from any-domain")
        XCTAssertNil(try store.subscriber(username: "1002", domain: "example.com"))
        XCTAssertNil(try store.subscriber(username: "9999", domain: "example.com"))
    }

    func testUpsertReplacesFieldsAndKeepsTheCreationTime() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertSubscriber(makeSubscriber("1001"), now: t0)
        var changed = makeSubscriber("1001", account: nil)
        changed.displayName = "Réception — 受付"
        changed.ha1MD5 = String(repeating: "c", count: 32)
        try store.upsertSubscriber(changed, now: t1)

        XCTAssertEqual(try store.subscribers(), [changed])
        let times = try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT created_at, updated_at FROM subscribers")
        }
        XCTAssertEqual(times?["created_at"], t0.milliseconds)
        XCTAssertEqual(times?["updated_at"], t1.milliseconds)
    }

    func testDomainsCompareCaseInsensitively() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertSubscriber(makeSubscriber("1001", domain: "Example.COM"), now: t0)
        XCTAssertEqual(try store.subscriber(username: "1001", domain: "example.com")?.domain, "Example.COM")
        try store.upsertSubscriber(makeSubscriber("1001", domain: "example.com"), now: t1)
        XCTAssertEqual(try store.subscribers().count, 1)
        // Usernames are case-sensitive in SIP.
        XCTAssertNil(try store.subscriber(username: "ALICE", domain: "example.com"))
    }

    func testRemoveReportsWhetherItRemovedAndTouchesOnlyThatKey() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertSubscriber(makeSubscriber("1001"), now: t0)
        try store.upsertSubscriber(makeSubscriber("1001", domain: nil), now: t0)

        XCTAssertTrue(try store.removeSubscriber(username: "1001", domain: nil))
        XCTAssertFalse(try store.removeSubscriber(username: "1001", domain: nil))
        XCTAssertEqual(try store.subscribers(), [makeSubscriber("1001")])
        XCTAssertTrue(try store.removeSubscriber(username: "1001", domain: "example.com"))
        XCTAssertEqual(try store.subscribers(), [])
    }

    func testSubscribersAreOrderedByDomainThenUsername() throws {
        let store = try SIPWardenStore(path: path)
        let list = [
            makeSubscriber("2000", domain: "b.example"), makeSubscriber("1000", domain: "b.example"),
            makeSubscriber("3000", domain: nil), makeSubscriber("0999", domain: "a.example"),
        ]
        for s in list { try store.upsertSubscriber(s, now: t0) }
        XCTAssertEqual(
            try store.subscribers().map { "\($0.username)@\($0.domain ?? "*")" },
            ["3000@*", "0999@a.example", "1000@b.example", "2000@b.example"])
    }

    func testImportWritesAllAndKeepsOthersLaterDuplicateWins() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertSubscriber(makeSubscriber("0001"), now: t0)
        var duplicate = makeSubscriber("1001")
        duplicate.displayName = "second"
        let list = [makeSubscriber("1001"), makeSubscriber("1002"), makeSubscriber("1003", domain: nil), duplicate]

        XCTAssertEqual(try store.importSubscribers(list, now: t1), 4)
        let stored = try store.subscribers()
        XCTAssertEqual(stored.map(\.username), ["1003", "0001", "1001", "1002"])
        XCTAssertEqual(try store.subscriber(username: "1001", domain: "example.com")?.displayName, "second")
    }

    func testImportIsOneTransaction() throws {
        let store = try SIPWardenStore(path: path)
        try rawConnection().write { db in
            try db.execute(sql: """
                CREATE TRIGGER reject_bad BEFORE INSERT ON subscribers WHEN NEW.username = 'bad'
                BEGIN SELECT RAISE(ABORT, 'rejected for the test'); END
                """)
        }
        let list = [makeSubscriber("1001"), makeSubscriber("bad"), makeSubscriber("1003")]
        XCTAssertThrowsError(try store.importSubscribers(list, now: t0))
        XCTAssertEqual(try store.subscribers(), [], "the first subscriber must be rolled back too")
    }
}
