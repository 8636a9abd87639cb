import GRDB
import Registrar

/// SQL and row mapping for the `bindings` table.
enum BindingTable {
    static let columns = """
        aor, contact_key, contact, contact_params, q, expires_at_ms, registered_at_ms, updated_at_ms, \
        call_id, cseq, source_ip, source_port, transport, user_agent, nat, via_path
        """

    static let upsertSQL = """
        INSERT INTO bindings (\(columns))
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (aor, contact_key) DO UPDATE SET
            contact = excluded.contact, contact_params = excluded.contact_params, q = excluded.q,
            expires_at_ms = excluded.expires_at_ms, registered_at_ms = excluded.registered_at_ms,
            updated_at_ms = excluded.updated_at_ms, call_id = excluded.call_id, cseq = excluded.cseq,
            source_ip = excluded.source_ip, source_port = excluded.source_port,
            transport = excluded.transport, user_agent = excluded.user_agent, nat = excluded.nat,
            via_path = excluded.via_path
        """
    static let deleteSQL = "DELETE FROM bindings WHERE aor = ? AND contact_key = ?"
    static let selectAllSQL = "SELECT \(columns) FROM bindings ORDER BY aor, contact_key"

    /// Applies `changes` in order inside the caller's transaction.
    static func apply(_ changes: [BindingChange], in db: Database) throws {
        // Prepared once per connection and reused: parsing the SQL would cost more than the write.
        let upsert = try db.cachedStatement(sql: upsertSQL)
        let delete = try db.cachedStatement(sql: deleteSQL)
        for change in changes {
            switch change {
            case .upsert(let b):
                try upsert.execute(arguments: [
                    b.aor, b.contactKey, b.contact, b.contactParameters, b.qThousandths,
                    b.expiresAt.milliseconds, b.registeredAt.milliseconds, b.updatedAt.milliseconds,
                    b.callID, Int64(b.cseq), b.source.ip, b.source.port, b.transport.rawValue,
                    b.userAgent, b.nat, b.viaPath,
                ])
            case let .remove(aor, contactKey):
                try delete.execute(arguments: [aor, contactKey])
            }
        }
    }

    /// Decodes a row selected with `columns`.
    static func binding(from row: Row) throws -> Binding {
        let aor: String = try row.decode(atIndex: 0)
        let contactKey: String = try row.decode(atIndex: 1)
        let transportName: String = try row.decode(atIndex: 12)
        guard let transport = Transport(rawValue: transportName) else {
            throw StoreError.invalidRow(
                table: "bindings", reason: "unknown transport '\(transportName)' for \(aor) contact \(contactKey)")
        }
        let storedCSeq: Int64 = try row.decode(atIndex: 9)
        guard let cseq = UInt32(exactly: storedCSeq) else {
            throw StoreError.invalidRow(
                table: "bindings", reason: "CSeq \(storedCSeq) out of range for \(aor) contact \(contactKey)")
        }
        // The address stays text in SQLite (readable with sqlite3, what earlier versions wrote).
        let sourceIP: String = try row.decode(atIndex: 10)
        guard let source = SourceAddress(ip: sourceIP, port: try row.decode(atIndex: 11)) else {
            throw StoreError.invalidRow(
                table: "bindings", reason: "source address '\(sourceIP)' is not an IP address for \(aor) contact \(contactKey)")
        }
        return Binding(
            aor: aor,
            contact: try row.decode(atIndex: 2),
            contactKey: contactKey,
            contactParameters: try row.decode(atIndex: 3),
            qThousandths: try row.decode(atIndex: 4),
            expiresAt: Timestamp(milliseconds: try row.decode(atIndex: 5)),
            registeredAt: Timestamp(milliseconds: try row.decode(atIndex: 6)),
            updatedAt: Timestamp(milliseconds: try row.decode(atIndex: 7)),
            callID: try row.decode(atIndex: 8),
            cseq: cseq,
            source: source,
            transport: transport,
            userAgent: try row.decode(atIndex: 13),
            nat: try row.decode(atIndex: 14),
            viaPath: try row.decode(atIndex: 15)
        )
    }
}
