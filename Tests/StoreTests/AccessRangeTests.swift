import Foundation
import GRDB
import Registrar
import XCTest

@testable import Store

/// Per-phone allowed ranges, trusted ranges and the auth mode column, in a real SQLite file.
final class AccessRangeTests: StoreTestCase {
    private let t0 = Timestamp(milliseconds: 1_700_000_000_000)

    private func subscriber(_ user: String, domain: String? = nil, mode: AuthMode = .password) -> Subscriber {
        Subscriber(username: user, domain: domain, realm: "r", ha1MD5: "m", ha1SHA256: "s", authMode: mode)
    }

    func testAuthModeRoundTripsAndDefaultsToPassword() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertSubscriber(subscriber("1001", mode: .ipPort), now: t0)
        XCTAssertEqual(try store.subscriber(username: "1001", domain: nil)?.authMode, .ipPort)
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO subscribers (username, domain, realm, ha1_md5, ha1_sha256, created_at, updated_at) VALUES ('old', '', 'r', 'm', 's', 0, 0)")
        }
        XCTAssertEqual(try store.subscriber(username: "old", domain: nil)?.authMode, .password, "rows from before v3 are password phones")
    }

    func testAllowedRangesAreAddedListedRemovedAndGoWithTheirSubscriber() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertSubscriber(subscriber("1001"), now: t0)
        try store.upsertSubscriber(subscriber("1001", domain: "example.com"), now: t0)
        XCTAssertTrue(try store.addAllowedRange(StoredAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24", port: nil, createdAt: t0)))
        XCTAssertFalse(try store.addAllowedRange(StoredAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24", port: nil, createdAt: t0)),
                       "the same rule twice is one rule")
        XCTAssertTrue(try store.addAllowedRange(StoredAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24", port: 5060, createdAt: t0)))
        XCTAssertTrue(try store.addAllowedRange(StoredAllowedRange(username: "1001", domain: "EXAMPLE.com", cidr: "198.51.100.7", port: nil, createdAt: t0)))
        XCTAssertEqual(try store.allowedRanges().map { "\($0.username)@\($0.domain ?? "*") \($0.cidr) \($0.port.map(String.init) ?? "any")" }, [
            "1001@* 192.0.2.0/24 any", "1001@* 192.0.2.0/24 5060", "1001@example.com 198.51.100.7 any",
        ])

        XCTAssertThrowsError(try store.addAllowedRange(StoredAllowedRange(username: "nobody", domain: nil, cidr: "192.0.2.1", port: nil, createdAt: t0))) {
            XCTAssertEqual($0 as? StoreError, .noSuchSubscriber(username: "nobody", domain: nil))
        }
        XCTAssertEqual(try store.removeAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24"), 2, "every port of the range")
        XCTAssertEqual(try store.removeAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24"), 0)

        XCTAssertTrue(try store.removeSubscriber(username: "1001", domain: "example.com"))
        XCTAssertEqual(try store.allowedRanges(), [], "a removed subscriber's ranges go with it")
    }

    func testTrustedRangesPersist() throws {
        var store: SIPWardenStore? = try SIPWardenStore(path: path)
        XCTAssertTrue(try store!.addTrustedRange("192.0.2.0/24", now: t0))
        XCTAssertFalse(try store!.addTrustedRange("192.0.2.0/24", now: t0))
        XCTAssertTrue(try store!.addTrustedRange("2001:db8::/32", now: t0))
        try store?.close()
        store = try SIPWardenStore(path: path)
        XCTAssertEqual(try store!.trustedRanges(), ["192.0.2.0/24", "2001:db8::/32"])
        XCTAssertTrue(try store!.removeTrustedRange("192.0.2.0/24"))
        XCTAssertFalse(try store!.removeTrustedRange("192.0.2.0/24"))
        XCTAssertEqual(try store!.trustedRanges(), ["2001:db8::/32"])
    }
}
