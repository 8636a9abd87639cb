import Foundation
import GRDB
import Registrar
import XCTest

@testable import Store

final class SchemaTests: StoreTestCase {
    func testMigrationCreatesTheTablesColumnsKeysAndIndexes() throws {
        let store = try SIPWardenStore(path: path)
        try store.pool.read { db in
            XCTAssertEqual(
                try db.columns(in: "subscribers").map(\.name),
                ["id", "username", "domain", "display_name", "account", "realm", "ha1_md5", "ha1_sha256",
                 "created_at", "updated_at", "auth_mode"])
            XCTAssertEqual(
                try db.columns(in: "allowed_ranges").map(\.name),
                ["username", "domain", "cidr", "port", "created_at_ms"])
            XCTAssertEqual(try db.columns(in: "trusted_ranges").map(\.name), ["cidr", "created_at_ms"])
            XCTAssertEqual(try db.primaryKey("allowed_ranges").columns, ["username", "domain", "cidr", "port"])
            XCTAssertEqual(
                try db.columns(in: "bindings").map(\.name),
                ["aor", "contact_key", "contact", "contact_params", "q", "expires_at_ms", "registered_at_ms",
                 "updated_at_ms", "call_id", "cseq", "source_ip", "source_port", "transport", "user_agent", "nat",
                 "via_path"])
            XCTAssertEqual(try db.columns(in: "meta").map(\.name), ["key", "value"])

            XCTAssertEqual(try db.primaryKey("bindings").columns, ["aor", "contact_key"])
            XCTAssertEqual(try db.primaryKey("meta").columns, ["key"])
            XCTAssertTrue(try db.table("subscribers", hasUniqueKey: ["username", "domain"]))
            XCTAssertFalse(try db.indexes(on: "bindings").contains { $0.columns == ["expires_at_ms"] }, "v7 drops it: nothing reads bindings by expiry")

            // Later issues add these; the first version must not.
            for later in ["allowlists", "events"] {
                XCTAssertFalse(try db.tableExists(later), later)
            }
            XCTAssertEqual(try Int32.fetchOne(db, sql: "PRAGMA application_id"), StoreSchema.applicationID)
            XCTAssertEqual(try StoreSchema.migrator.appliedMigrations(db), StoreSchema.migrator.migrations)
        }
    }

    func testReopeningKeepsDataAndAppliesNothingTwice() throws {
        var store: SIPWardenStore? = try SIPWardenStore(path: path)
        try store?.apply([.upsert(makeBinding(1))])
        try store?.close()
        store = nil

        let reopened = try SIPWardenStore(path: path)
        XCTAssertEqual(try reopened.loadBindings(), [makeBinding(1)])
        let migrationRows = try reopened.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations")
        }
        XCTAssertEqual(migrationRows, StoreSchema.migrator.migrations.count)
    }

    func testWALModeSynchronousAndBusyTimeoutFollowTheConfiguration() throws {
        let full = try SIPWardenStore(path: path, busyTimeout: 2.5)
        try full.pool.writeWithoutTransaction { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 2)  // FULL
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA busy_timeout"), 2500)
        }
        XCTAssertEqual(full.durability, .full)
        try full.close()

        let normal = try SIPWardenStore(path: path, durability: .normal)
        try normal.pool.writeWithoutTransaction { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 1)  // NORMAL
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA busy_timeout"), 5000)
        }
        // Readers get the same setting, so no connection of the pool is weaker than asked.
        try normal.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 1)
        }
    }

    func testCreatesMissingParentDirectories() throws {
        let nested = directory.appendingPathComponent("var/lib/sipwarden/store.sqlite").path
        let store = try SIPWardenStore(path: nested)
        try store.apply([.upsert(makeBinding(2))])
        XCTAssertTrue(FileManager.default.fileExists(atPath: nested))
        XCTAssertEqual(try store.bindingCount(), 1)
    }

    func testUnopenablePathFailsWithAnErrorNamingThePath() throws {
        // A regular file where a directory should be: neither the directory nor the database can be created.
        let blocker = directory.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let bad = blocker.appendingPathComponent("sub/store.sqlite").path

        XCTAssertThrowsError(try SIPWardenStore(path: bad)) { error in
            guard case .cannotOpen(let reported, _)? = error as? StoreError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(reported, bad)
            XCTAssertTrue("\(error)".contains(bad), "\(error)")
        }
    }

    func testRefusesADatabaseOfAnotherProgram() throws {
        try rawConnection().write { db in
            try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        }
        XCTAssertThrowsError(try SIPWardenStore(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .foreignDatabase(path: path))
        }
        // Untouched: no SIPWarden tables were added to the foreign file.
        let tables = try rawConnection().read { db in try db.tableExists("bindings") }
        XCTAssertFalse(tables)
    }

    func testAcceptsAnExistingEmptyFile() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try SIPWardenStore(path: path)
        XCTAssertEqual(try store.bindingCount(), 0)
    }

    func testRefusesADatabaseMigratedByANewerVersion() throws {
        try SIPWardenStore(path: path).close()
        try rawConnection().write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        XCTAssertThrowsError(try SIPWardenStore(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .newerSchema(path: path, unknownVersions: ["v99-from-the-future"]))
            XCTAssertTrue("\(error)".contains(self.path))
        }
    }
}
