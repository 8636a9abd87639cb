import Foundation
import GRDB
import Registrar
import XCTest

@testable import Store

final class BanTests: StoreTestCase {
    private let t0 = Timestamp(milliseconds: 1_700_000_000_000)

    private func event(_ id: Int, kind: String = "auth.failed", ip: String = "192.0.2.7") -> String {
        #"{"id":\#(id),"kind":"\#(kind)","source_ip":"\#(ip)","source_port":5060,"time_ms":\#(1_700_000_000_000 + id),"transport":"UDP","v":1}"#
    }

    private func evidence(_ ids: ClosedRange<Int>) -> String {
        "[" + ids.map { event($0) }.joined(separator: ",") + "]"
    }

    private func ids(_ json: String) throws -> [Int] {
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return array.compactMap { ($0["id"] as? NSNumber)?.intValue }
    }

    func testMigrationAddsBansAndHistoryAfterV1() throws {
        let store = try SIPWardenStore(path: path)
        try store.pool.read { db in
            XCTAssertEqual(
                try db.columns(in: "bans").map(\.name),
                ["target", "expires_at_ms", "created_at_ms", "source", "reason", "evidence"])
            XCTAssertEqual(try db.primaryKey("bans").columns, ["target"])
            XCTAssertTrue(try db.indexes(on: "bans").contains { $0.columns == ["expires_at_ms"] })
            XCTAssertEqual(
                try db.columns(in: "ban_history").map(\.name), ["id", "target", "action", "at_ms", "source", "reason"])
            XCTAssertEqual(
                try StoreSchema.migrator.appliedIdentifiers(db), ["v1-subscribers-bindings-meta", "v2-bans", "v3-operator", "v5-trunks", "v6-console-users", "v7-no-bindings-expiry-index"])
        }
    }

    func testAV1DatabaseIsUpgradedInPlaceKeepingItsData() throws {
        // A database as the registrar-core release left it: only v1 applied, one subscriber.
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v1-subscribers-bindings-meta")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO subscribers (username, domain, realm, ha1_md5, ha1_sha256, created_at, updated_at)
                VALUES ('1001', '', 'sipwarden', 'a', 'b', 0, 0)
                """)
        }
        try queue.read { db in XCTAssertFalse(try db.tableExists("bans")) }
        try queue.close()

        let store = try SIPWardenStore(path: path)
        XCTAssertEqual(try store.subscribers().map(\.username), ["1001"])
        try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: t0, expiresAt: t0.adding(seconds: 60), source: "operator", reason: "test"))
        XCTAssertEqual(try store.bans(activeAt: t0).map(\.target), ["192.0.2.7"])
    }

    func testUpsertStoresEveryFieldAndSurvivesReopening() throws {
        var store: SIPWardenStore? = try SIPWardenStore(path: path)
        let ban = StoredBan(
            target: "2001:db8::/32", createdAt: t0, expiresAt: t0.adding(seconds: 600), source: "bruteforce",
            reason: "10 failures in 60 s", evidenceJSON: evidence(1...3))
        let stored = try store?.upsertBan(ban)
        XCTAssertEqual(stored?.target, "2001:db8::/32")
        XCTAssertEqual(try ids(try XCTUnwrap(stored?.evidenceJSON)), [1, 2, 3])
        try store?.close()
        store = nil

        let reopened = try SIPWardenStore(path: path)
        let loaded = try XCTUnwrap(try reopened.ban(target: "2001:db8::/32"))
        XCTAssertEqual(loaded, stored)
        XCTAssertEqual(loaded.createdAt, t0)
        XCTAssertEqual(loaded.expiresAt, t0.adding(seconds: 600))
        XCTAssertEqual(loaded.source, "bruteforce")
        XCTAssertEqual(loaded.reason, "10 failures in 60 s")
        XCTAssertNil(try reopened.ban(target: "2001:db8::1"), "exact target only, no range lookup")
    }

    func testReBanKeepsTheLongerExpiryTheFirstCreationAndMergesEvidence() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: t0, expiresAt: t0.adding(seconds: 600), source: "bruteforce",
            reason: "first", evidenceJSON: evidence(1...3)))

        // Longer: extends, and its reason and source become the ban's.
        let later = t0.adding(seconds: 100)
        let extended = try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: later, expiresAt: later.adding(seconds: 3600), source: "scanner",
            reason: "second", evidenceJSON: evidence(3...5)))
        XCTAssertEqual(extended.createdAt, t0)
        XCTAssertEqual(extended.expiresAt, later.adding(seconds: 3600))
        XCTAssertEqual(extended.reason, "second")
        XCTAssertEqual(extended.source, "scanner")
        XCTAssertEqual(try ids(extended.evidenceJSON), [1, 2, 3, 4, 5], "duplicate event 3 kept once")

        // Shorter: never shortens; the longer ban's reason stays, the evidence is still added.
        let shorter = try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: later.adding(seconds: 1), expiresAt: later.adding(seconds: 60),
            source: "ratelimit", reason: "third", evidenceJSON: evidence(6...6)))
        XCTAssertEqual(shorter.expiresAt, later.adding(seconds: 3600))
        XCTAssertEqual(shorter.reason, "second")
        XCTAssertEqual(shorter.source, "scanner")
        XCTAssertEqual(try ids(shorter.evidenceJSON), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try store.ban(target: "192.0.2.7"), shorter)
    }

    func testEvidenceIsBoundedToTheMostRecentEvents() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: t0, expiresAt: t0.adding(seconds: 600), source: "bruteforce",
            reason: "r", evidenceJSON: evidence(1...40)))
        let merged = try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: t0, expiresAt: t0.adding(seconds: 600), source: "bruteforce",
            reason: "r", evidenceJSON: evidence(41...70)))
        XCTAssertEqual(try ids(merged.evidenceJSON), Array(21...70))
        XCTAssertEqual(StoredBan.maximumEvidence, 50)
    }

    func testEvidenceThatIsNotAJSONArrayIsRefusedAndNothingIsWritten() throws {
        let store = try SIPWardenStore(path: path)
        for bad in ["{\"id\":1}", "not json", "[1,2]"] {
            XCTAssertThrowsError(try store.upsertBan(StoredBan(
                target: "192.0.2.9", createdAt: t0, expiresAt: t0.adding(seconds: 1), source: "x", reason: "y",
                evidenceJSON: bad))
            ) { error in
                guard case StoreError.invalidRow(table: "bans", _) = error else {
                    return XCTFail("unexpected \(error)")
                }
            }
        }
        XCTAssertNil(try store.ban(target: "192.0.2.9"))
        XCTAssertEqual(try store.banHistory(), [])
    }

    func testALapsedUnsweptBanIsReplacedNotMerged() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: t0, expiresAt: t0.adding(seconds: 60), source: "bruteforce",
            reason: "old", evidenceJSON: evidence(1...2)))
        let later = t0.adding(seconds: 120)
        let fresh = try store.upsertBan(StoredBan(
            target: "192.0.2.7", createdAt: later, expiresAt: later.adding(seconds: 30), source: "operator",
            reason: "new", evidenceJSON: "[]"))
        XCTAssertEqual(fresh.createdAt, later)
        XCTAssertEqual(fresh.expiresAt, later.adding(seconds: 30))
        XCTAssertEqual(fresh.evidenceJSON, "[]")
        XCTAssertEqual(
            try store.banHistory(target: "192.0.2.7").map(\.action), [.added, .expired, .added],
            "newest first: the re-ban, the lapse of the old one, the first ban")
    }

    func testActiveListingLeavesLapsedBansOut() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertBans([
            StoredBan(target: "192.0.2.1", createdAt: t0, expiresAt: t0.adding(seconds: 10), source: "a", reason: "r"),
            StoredBan(target: "192.0.2.2", createdAt: t0.adding(seconds: 1), expiresAt: t0.adding(seconds: 100), source: "b", reason: "r"),
            StoredBan(target: "198.51.100.0/24", createdAt: t0.adding(seconds: 2), expiresAt: t0.adding(seconds: 1000), source: "c", reason: "r"),
        ])
        XCTAssertEqual(try store.bans(activeAt: t0).map(\.target), ["192.0.2.1", "192.0.2.2", "198.51.100.0/24"])
        XCTAssertEqual(try store.bans(activeAt: t0.adding(seconds: 10)).map(\.target), ["192.0.2.2", "198.51.100.0/24"])
        XCTAssertEqual(try store.bans(activeAt: t0.adding(seconds: 1000)), [])
        XCTAssertNotNil(try store.ban(target: "192.0.2.1"), "still stored until swept")
        XCTAssertNil(try store.ban(target: "192.0.2.1", activeAt: t0.adding(seconds: 10)))
    }

    func testRemoveExpiredDeletesExactlyTheLapsedOnesAndRecordsThem() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertBans([
            StoredBan(target: "192.0.2.1", createdAt: t0, expiresAt: t0.adding(seconds: 10), source: "a", reason: "ra"),
            StoredBan(target: "192.0.2.2", createdAt: t0, expiresAt: t0.adding(seconds: 20), source: "b", reason: "rb"),
            StoredBan(target: "192.0.2.3", createdAt: t0, expiresAt: t0.adding(seconds: 30), source: "c", reason: "rc"),
        ])
        let removed = try store.removeExpiredBans(at: t0.adding(seconds: 20))
        XCTAssertEqual(removed.map(\.target), ["192.0.2.1", "192.0.2.2"])
        XCTAssertEqual(try store.bans(activeAt: t0).map(\.target), ["192.0.2.3"])
        XCTAssertEqual(try store.removeExpiredBans(at: t0.adding(seconds: 20)), [], "nothing twice")
        let history = try store.banHistory(target: "192.0.2.2")
        XCTAssertEqual(history.first, BanHistoryEntry(
            target: "192.0.2.2", action: .expired, at: t0.adding(seconds: 20), source: "b", reason: "rb"))
    }

    func testRemoveReturnsTheBanAndRecordsWhoLiftedIt() throws {
        let store = try SIPWardenStore(path: path)
        let ban = try store.upsertBan(StoredBan(
            target: "192.0.2.0/24", createdAt: t0, expiresAt: t0.adding(seconds: 600), source: "operator", reason: "r"))
        let lifted = t0.adding(seconds: 5)
        XCTAssertEqual(try store.removeBan(target: "192.0.2.0/24", at: lifted, source: "operator", reason: "false positive"), ban)
        XCTAssertNil(try store.removeBan(target: "192.0.2.0/24", at: lifted))
        XCTAssertNil(try store.ban(target: "192.0.2.0/24"))
        XCTAssertEqual(try store.banHistory(), [
            BanHistoryEntry(target: "192.0.2.0/24", action: .removed, at: lifted, source: "operator", reason: "false positive"),
            BanHistoryEntry(target: "192.0.2.0/24", action: .added, at: t0, source: "operator", reason: "r"),
        ])
    }

    func testABatchIsOneTransactionAllOrNothing() throws {
        let store = try SIPWardenStore(path: path)
        XCTAssertThrowsError(try store.upsertBans([
            StoredBan(target: "192.0.2.1", createdAt: t0, expiresAt: t0.adding(seconds: 10), source: "a", reason: "r"),
            StoredBan(target: "192.0.2.2", createdAt: t0, expiresAt: t0.adding(seconds: 10), source: "a", reason: "r", evidenceJSON: "oops"),
        ]))
        XCTAssertEqual(try store.bans(activeAt: t0), [])
        XCTAssertEqual(try store.upsertBans([]), [])
    }

    func testAnotherProcessSeesACommittedBan() throws {
        let store = try SIPWardenStore(path: path)
        try store.upsertBan(StoredBan(
            target: "203.0.113.9", createdAt: t0, expiresAt: t0.adding(seconds: 60), source: "scanner",
            reason: "friendly-scanner", evidenceJSON: evidence(1...1)))
        let raw = try rawConnection(readonly: true)
        let row = try raw.read { db in
            try Row.fetchOne(db, sql: "SELECT target, expires_at_ms, source, evidence FROM bans")
        }
        XCTAssertEqual(row?["target"], "203.0.113.9")
        XCTAssertEqual(row?["expires_at_ms"], t0.adding(seconds: 60).milliseconds)
        XCTAssertEqual(row?["source"], "scanner")
        let text: String? = row?["evidence"]
        XCTAssertEqual(try ids(try XCTUnwrap(text)), [1])
    }
}
