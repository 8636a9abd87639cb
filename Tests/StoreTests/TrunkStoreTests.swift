import Foundation
import Registrar
import XCTest

@testable import Store

/// The v5-trunks table and the database's file mode (it holds the trunk passwords).
final class TrunkStoreTests: StoreTestCase {
    private func trunk(_ name: String, enabled: Bool = true) -> StoredTrunk {
        StoredTrunk(
            name: name, registrar: "sip:192.0.2.10:5060", username: "4420", authUsername: "acct", password: "pw-\(name)",
            realm: "carrier.example", transport: "udp", expires: 600, contactUser: "trunk1", outboundProxy: "sip:192.0.2.20",
            enabled: enabled, createdAt: Timestamp(seconds: 100), updatedAt: Timestamp(seconds: 100))
    }

    func testTrunksAreAddedOnceListedByNameToggledAndRemovedAcrossReopen() throws {
        var store: SIPWardenStore? = try SIPWardenStore(path: path)
        XCTAssertTrue(try store?.addTrunk(trunk("zeta")) ?? false)
        XCTAssertTrue(try store?.addTrunk(trunk("alpha", enabled: false)) ?? false)
        XCTAssertFalse(try store?.addTrunk(trunk("alpha")) ?? true, "a name exists once; the first row is kept")
        XCTAssertTrue(try store?.setTrunkEnabled("zeta", false, now: Timestamp(seconds: 200)) ?? false)
        XCTAssertFalse(try store?.setTrunkEnabled("nope", true, now: Timestamp(seconds: 200)) ?? true)
        try store?.close()
        store = nil

        let reopened = try SIPWardenStore(path: path)
        let trunks = try reopened.trunks()
        XCTAssertEqual(trunks.map(\.name), ["alpha", "zeta"])
        XCTAssertEqual(trunks[0], trunk("alpha", enabled: false))
        XCTAssertEqual(trunks[1].enabled, false)
        XCTAssertEqual(trunks[1].updatedAt, Timestamp(seconds: 200))
        XCTAssertTrue(try reopened.removeTrunk("alpha"))
        XCTAssertFalse(try reopened.removeTrunk("alpha"))
        XCTAssertEqual(try reopened.trunks().map(\.name), ["zeta"])
    }

    func testTheDatabaseFilesAreTheOwnersOnly() throws {
        let store = try SIPWardenStore(path: path)
        try store.addTrunk(trunk("carrier"))
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            XCTAssertEqual(mode & 0o777, 0o600, file)
        }
        // A file made readable by others is narrowed again when the store opens.
        try store.close()
        XCTAssertEqual(chmod(path, 0o644), 0)
        _ = try SIPWardenStore(path: path)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o600)
    }
}
