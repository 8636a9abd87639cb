import Foundation
import GRDB
import Registrar
import SIPCore
import XCTest

@testable import Store

/// The Contact parameters a phone registered with (`+sip.instance`, `reg-id`, `pn-*`...) go to
/// the database with the binding and come back after a restart, so the 200 OK a registrar
/// rebuilt from the store sends still carries them. They live in `bindings.contact_params`,
/// there since the first schema version: databases of every version already hold them.
final class ContactParameterStoreTests: StoreTestCase {
    private let contact = "<sip:1001@192.0.2.10:5060;transport=udp>;+sip.instance=\"<urn:uuid:5f1c>\";reg-id=1;pn-prid=tok:remote;expires=600"

    private func registerRequest(contacts: [String]?) throws -> SIPRequest {
        var lines = [
            "REGISTER sip:example.com SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport", "Max-Forwards: 70",
            "From: <sip:1001@example.com>;tag=a", "To: <sip:1001@example.com>", "Call-ID: store-params", "CSeq: 1 REGISTER",
        ]
        for contact in contacts ?? [] { lines.append("Contact: \(contact)") }
        lines.append("Content-Length: 0")
        guard case .request(let request) = try SIPParser.parse(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)) else {
            throw XCTSkip("not a request")
        }
        return request
    }

    func testParametersRoundTripThroughTheDatabaseIntoTheOKAfterARestart() throws {
        let now = Timestamp(seconds: 1_800_000_000)
        let source = SourceAddress(ip: "192.0.2.10", port: 5060)!
        var registrar = Registrar(configuration: RegistrarConfiguration(requireAuthentication: false), secret: Array("s".utf8))
        let outcome = registrar.handleRegister(try registerRequest(contacts: [contact]), source: source, transport: .udp, now: now, salt: 1)
        XCTAssertEqual(outcome.response.statusCode, 200)
        var store: SIPWardenStore? = try SIPWardenStore(path: path)
        try store?.apply(outcome.changes)
        try store?.close()
        store = nil

        let column = try rawConnection(readonly: true).read { db in
            try String.fetchOne(db, sql: "SELECT contact_params FROM bindings")
        }
        XCTAssertEqual(column, ";+sip.instance=\"<urn:uuid:5f1c>\";reg-id=1;pn-prid=tok:remote")

        let reopened = try SIPWardenStore(path: path)
        let loaded = try reopened.loadBindings()
        XCTAssertEqual(loaded.first?.instanceID, "<urn:uuid:5f1c>")
        XCTAssertEqual(loaded.first?.regID, "1")
        var restarted = Registrar(
            configuration: RegistrarConfiguration(requireAuthentication: false), secret: Array("s".utf8), bindings: loaded)
        let query = restarted.handleRegister(
            try registerRequest(contacts: nil), source: source, transport: .udp, now: now.adding(seconds: 60), salt: 2)
        XCTAssertEqual(query.response.headers.values("Contact"),
                       ["<sip:1001@192.0.2.10:5060;transport=udp>;+sip.instance=\"<urn:uuid:5f1c>\";reg-id=1;pn-prid=tok:remote;expires=540"])
    }

    /// A database made by the first schema version (before bans and operator tables) with a
    /// binding in it migrates to the current version and keeps the binding's parameters.
    func testAVersionOneDatabaseMigratesKeepingTheParameters() throws {
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v1-subscribers-bindings-meta")
        var binding = makeBinding(7)
        binding.contactParameters = ";+sip.instance=\"<urn:uuid:v1>\";reg-id=2"
        try queue.write { db in try BindingTable.apply([.upsert(binding)], in: db) }
        try queue.close()

        let store = try SIPWardenStore(path: path)
        XCTAssertEqual(try store.loadBindings(), [binding])
        XCTAssertEqual(try store.loadBindings().first?.instanceID, "<urn:uuid:v1>")
        let applied = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        XCTAssertEqual(applied, StoreSchema.migrator.migrations)
    }
}
