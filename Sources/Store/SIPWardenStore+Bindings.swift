import GRDB
import Registrar

extension SIPWardenStore {
    /// Every stored binding, ordered by AOR then contact key (expired ones included: the
    /// registrar decides what has lapsed, given its clock).
    public func loadBindings() throws -> [Binding] {
        try pool.read { db in
            var result: [Binding] = []
            let rows = try Row.fetchCursor(db, sql: BindingTable.selectAllSQL)
            while let row = try rows.next() {
                result.append(try BindingTable.binding(from: row))
            }
            return result
        }
    }

    /// Applies `changes` in order in one write transaction: all of them become durable, or none.
    ///
    /// Each call pays one commit (one fsync with `.full`); the REGISTER path should go through a
    /// `GroupCommitter` instead.
    public func apply(_ changes: [BindingChange]) throws {
        try pool.write { db in try BindingTable.apply(changes, in: db) }
    }

    /// Applies several change lists in order in one write transaction (group commit).
    public func apply(batch: [[BindingChange]]) throws {
        try pool.write { db in
            for changes in batch { try BindingTable.apply(changes, in: db) }
        }
    }
}
