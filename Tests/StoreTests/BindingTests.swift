import Foundation
import GRDB
import Registrar
import XCTest

@testable import Store

final class BindingTests: StoreTestCase {
    func testEveryFieldRoundTripsIncludingNilsIPv6AndUnicode() throws {
        let store = try SIPWardenStore(path: path)
        let full = makeBinding(1)
        let bare = Binding(
            aor: "sip:1002@example.com", contact: "sip:1002@[2001:db8::7]:5060", contactKey: "sip:1002@[2001:db8::7]:5060",
            expiresAt: Timestamp(milliseconds: 5), registeredAt: Timestamp(milliseconds: 3),
            updatedAt: Timestamp(milliseconds: 4), callID: "c", cseq: 0,
            source: SourceAddress(ip: "2001:db8::7", port: 5060)!, transport: .tcp)
        XCTAssertNil(bare.qThousandths)
        XCTAssertNil(bare.userAgent)
        var unicode = makeBinding(3)
        unicode.userAgent = "Téléphone 📞 — 电话 \u{7}"
        unicode.source = SourceAddress(ip: "fe80::1", port: 65535)!  // link-local (a socket peer has no zone text)
        unicode.cseq = UInt32.max
        unicode.qThousandths = 0
        unicode.nat = true
        unicode.viaPath = "SIP/2.0/TCP [2001:db8::7]:5060;branch=z9hG4bKü, SIP/2.0/UDP 192.0.2.1"
        unicode.contactParameters = ""

        try store.apply([.upsert(full), .upsert(bare), .upsert(unicode)])
        let loaded = try store.loadBindings()
        XCTAssertEqual(loaded, [full, bare, unicode].sorted { ($0.aor, $0.contactKey) < ($1.aor, $1.contactKey) })
        XCTAssertEqual(loaded.first { $0.aor == bare.aor }?.userAgent, nil)
        XCTAssertEqual(loaded.first { $0.aor == unicode.aor }?.userAgent, "Téléphone 📞 — 电话 \u{7}")

        // The NULLs are real SQL NULLs, not empty strings or zeros.
        let nulls = try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT q IS NULL AS q, user_agent IS NULL AS ua FROM bindings WHERE aor = ?",
                             arguments: [bare.aor])
        }
        XCTAssertEqual(nulls?["q"], true)
        XCTAssertEqual(nulls?["ua"], true)
    }

    func testUpsertReplacesTheBindingWithTheSameAORAndContactKey() throws {
        let store = try SIPWardenStore(path: path)
        let first = makeBinding(1)
        var second = makeBinding(1)
        second.contact = first.contactKey + ";ob;new"
        second.expiresAt = first.expiresAt.adding(seconds: 3600)
        second.cseq += 1
        second.source = SourceAddress(ip: "203.0.113.9", port: 1024)!
        second.userAgent = nil
        second.qThousandths = nil
        var otherContact = makeBinding(1)
        otherContact.contactKey = "sip:1001@192.0.2.99:5062"

        try store.apply([.upsert(first)])
        try store.apply([.upsert(second), .upsert(otherContact)])
        XCTAssertEqual(try store.bindingCount(), 2)
        XCTAssertEqual(Set(try store.loadBindings()), [second, otherContact])
    }

    func testRemoveDeletesOnlyThatBindingAndIgnoresMissingOnes() throws {
        let store = try SIPWardenStore(path: path)
        let a = makeBinding(1), b = makeBinding(2)
        try store.apply([.upsert(a), .upsert(b)])
        try store.apply([
            .remove(aor: a.aor, contactKey: a.contactKey),
            .remove(aor: "sip:nobody@example.com", contactKey: "sip:x"),
            .remove(aor: b.aor, contactKey: a.contactKey),  // right AOR, wrong contact
        ])
        XCTAssertEqual(try store.loadBindings(), [b])
    }

    func testChangesApplyInOrder() throws {
        let store = try SIPWardenStore(path: path)
        let a = makeBinding(1), b = makeBinding(2)
        try store.apply([.upsert(a), .remove(aor: a.aor, contactKey: a.contactKey)])
        try store.apply([.remove(aor: b.aor, contactKey: b.contactKey), .upsert(b)])
        XCTAssertEqual(try store.loadBindings(), [b])
    }

    func testApplyIsOneTransaction() throws {
        let store = try SIPWardenStore(path: path)
        try poisonBindings(aor: "sip:poison@example.com")
        XCTAssertThrowsError(try store.apply([.upsert(makeBinding(1)), .upsert(makeBinding(2, aor: "sip:poison@example.com"))]))
        XCTAssertEqual(try store.bindingCount(), 0, "the first upsert must be rolled back too")
        try store.apply([.upsert(makeBinding(1))])
        XCTAssertEqual(try store.bindingCount(), 1, "the store stays usable after a failed transaction")
    }

    /// Lapsed bindings are swept from memory and removed by key: the table keeps only its
    /// primary key's index (an expiry index cost page writes on every REGISTER), and the
    /// removal by key uses it.
    func testBindingsAreIndexedByKeyOnly() throws {
        let store = try SIPWardenStore(path: path)
        try store.pool.read { db in
            XCTAssertEqual(try db.indexes(on: "bindings").map(\.columns), [], "only the primary key's own index, which GRDB does not list")
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + BindingTable.deleteSQL, arguments: ["a", "b"])
                .map { $0["detail"] as String }.joined(separator: "; ")
            XCTAssertTrue(plan.contains("USING INDEX sqlite_autoindex_bindings_1"), plan)
        }
    }

    func testBindingCount() throws {
        let store = try SIPWardenStore(path: path)
        XCTAssertEqual(try store.bindingCount(), 0)
        try store.apply((0..<25).map { .upsert(makeBinding($0)) })
        XCTAssertEqual(try store.bindingCount(), 25)
    }

    func testAppliedChangesAreSeenByANewStoreWithoutClosingTheFirst() throws {
        // kill -9 leaves exactly this: the first store never closed, its connections just gone.
        let store = try SIPWardenStore(path: path)
        let bindings = (0..<10).map { makeBinding($0) }
        try store.apply(bindings.map { .upsert($0) })
        try store.apply([.remove(aor: bindings[0].aor, contactKey: bindings[0].contactKey)])

        let afterCrash = try SIPWardenStore(path: path)
        XCTAssertEqual(try afterCrash.loadBindings(), Array(bindings.dropFirst()))
        withExtendedLifetime(store) {}
    }

    func testANULInAHeaderValueCannotFailABatch() throws {
        // GRDB binds Swift strings as C strings, so text is cut at a NUL. SIP grammar has no NUL
        // in header values (the parser rejects them); what matters here is that one hostile
        // value cannot fail the transaction other phones' registrations share.
        let store = try SIPWardenStore(path: path)
        var hostile = makeBinding(1)
        hostile.userAgent = "friendly\u{0}-scanner"
        try store.apply([.upsert(makeBinding(2)), .upsert(hostile)])
        XCTAssertEqual(try store.bindingCount(), 2)
        XCTAssertEqual(try store.loadBindings().first { $0.aor == hostile.aor }?.userAgent, "friendly")
    }

    func testAnUnreadableRowIsReportedNotTrapped() throws {
        let store = try SIPWardenStore(path: path)
        try store.apply([.upsert(makeBinding(1))])
        try rawConnection().write { db in try db.execute(sql: "UPDATE bindings SET transport = 'SCTP'") }
        XCTAssertThrowsError(try store.loadBindings()) { error in
            guard case .invalidRow(let table, let reason)? = error as? StoreError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(table, "bindings")
            XCTAssertTrue(reason.contains("SCTP"), reason)
        }
        try rawConnection().write { db in try db.execute(sql: "UPDATE bindings SET transport = 'UDP', cseq = -1") }
        XCTAssertThrowsError(try store.loadBindings(), "a CSeq outside UInt32 throws")
    }
}
