import GRDB
import Registrar

extension SIPWardenStore {
    /// The stored bindings of one AOR, ordered by contact key, with the Via path of their last
    /// REGISTER (which the in-memory location service does not keep).
    public func bindings(of aor: String) throws -> [Binding] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(BindingTable.columns) FROM bindings WHERE aor = ? ORDER BY contact_key", arguments: [aor])
                .map(BindingTable.binding(from:))
        }
    }
}
