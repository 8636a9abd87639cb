import GRDB

/// The history file's tables, created and upgraded by version when the store opens.
///
/// `events` is append-only (retention and the size cap delete its oldest rows), indexed by
/// time, number (which also serves the AOR filter: an AOR's number is its user part) and
/// source; each index with random keys costs a page write per event in the WAL, so there
/// are no more. `rollups` holds one row per step (60 or 3600 seconds) and step start.
enum HistorySchema {
    /// SQLite's `application_id` of a SIPWarden history file ("SWHI").
    static let applicationID: Int32 = 0x5357_4849

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-history") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL,
                    at_ms INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    aor TEXT,
                    number TEXT,
                    username TEXT,
                    account TEXT,
                    source_ip TEXT NOT NULL,
                    source_key BLOB,
                    source_port INTEGER NOT NULL,
                    transport TEXT NOT NULL,
                    user_agent TEXT,
                    contact TEXT,
                    detail TEXT
                );
                CREATE INDEX events_at ON events(at_ms);
                CREATE INDEX events_number ON events(number, at_ms) WHERE number IS NOT NULL;
                CREATE INDEX events_source ON events(source_key, at_ms) WHERE source_key IS NOT NULL;
                CREATE TABLE rollups (
                    step_s INTEGER NOT NULL,
                    start_ms INTEGER NOT NULL,
                    active_bindings INTEGER,
                    registrations INTEGER NOT NULL,
                    refreshes INTEGER NOT NULL,
                    removals INTEGER NOT NULL,
                    failures INTEGER NOT NULL,
                    failures_by_kind TEXT NOT NULL,
                    distinct_sources INTEGER NOT NULL,
                    peak_per_second INTEGER NOT NULL,
                    PRIMARY KEY (step_s, start_ms)
                ) WITHOUT ROWID;
                PRAGMA application_id = \(applicationID);
                """)
        }
        return migrator
    }
}
