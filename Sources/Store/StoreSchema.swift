import GRDB

/// The database schema, as an ordered list of named migrations.
///
/// Migrations are append-only: a released migration is never edited, later issues (bans,
/// allowlists, event history) add new ones after it.
enum StoreSchema {
    /// `PRAGMA application_id` of SIPWarden databases ("SIPW"), so a wrong file is recognised.
    static let applicationID: Int32 = 0x5349_5057

    /// The migrator holding every schema version in order.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-subscribers-bindings-meta") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // Times are Unix milliseconds. `domain` is '' for "any domain" because NULLs are
            // distinct in UNIQUE constraints; NOCASE because domains are host names.
            try db.execute(sql: """
                CREATE TABLE subscribers (
                    id INTEGER PRIMARY KEY,
                    username TEXT NOT NULL,
                    domain TEXT NOT NULL COLLATE NOCASE DEFAULT '',
                    display_name TEXT,
                    account TEXT,
                    realm TEXT NOT NULL,
                    ha1_md5 TEXT NOT NULL,
                    ha1_sha256 TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    UNIQUE (username, domain)
                );
                CREATE INDEX subscribers_account ON subscribers(account);
                CREATE TABLE bindings (
                    aor TEXT NOT NULL,
                    contact_key TEXT NOT NULL,
                    contact TEXT NOT NULL,
                    contact_params TEXT NOT NULL,
                    q INTEGER,
                    expires_at_ms INTEGER NOT NULL,
                    registered_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL,
                    call_id TEXT NOT NULL,
                    cseq INTEGER NOT NULL,
                    source_ip TEXT NOT NULL,
                    source_port INTEGER NOT NULL,
                    transport TEXT NOT NULL,
                    user_agent TEXT,
                    nat INTEGER NOT NULL,
                    via_path TEXT NOT NULL,
                    PRIMARY KEY (aor, contact_key)
                );
                CREATE INDEX bindings_expires_at ON bindings(expires_at_ms);
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-bans") { db in
            // One row per ban in force (target: an address or a CIDR, as the firewall prints
            // it); `evidence` is a JSON array of the security events that caused it, so an
            // operator can ask why. `ban_history` is append-only: what was banned, lifted or
            // expired, when and by whom, after the row in `bans` is gone.
            try db.execute(sql: """
                CREATE TABLE bans (
                    target TEXT PRIMARY KEY NOT NULL,
                    expires_at_ms INTEGER NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    evidence TEXT NOT NULL DEFAULT '[]'
                );
                CREATE INDEX bans_expires_at ON bans(expires_at_ms);
                CREATE TABLE ban_history (
                    id INTEGER PRIMARY KEY,
                    target TEXT NOT NULL,
                    action TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX ban_history_target ON ban_history(target, at_ms);
                """)
        }
        migrator.registerMigration("v3-operator") { db in
            // Issue 5: how each phone authenticates, where it may register from, and the
            // operator's never-banned ranges. An allowed range belongs to one subscriber and
            // goes with it; `port` 0 means any port (NULLs would be distinct in the key).
            try db.execute(sql: """
                ALTER TABLE subscribers ADD COLUMN auth_mode TEXT NOT NULL DEFAULT 'password';
                CREATE TABLE allowed_ranges (
                    username TEXT NOT NULL,
                    domain TEXT NOT NULL COLLATE NOCASE DEFAULT '',
                    cidr TEXT NOT NULL,
                    port INTEGER NOT NULL DEFAULT 0,
                    created_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (username, domain, cidr, port),
                    FOREIGN KEY (username, domain) REFERENCES subscribers(username, domain) ON DELETE CASCADE
                );
                CREATE TABLE trusted_ranges (
                    cidr TEXT PRIMARY KEY NOT NULL,
                    created_at_ms INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v5-trunks") { db in
            // Issue 14: outbound registrations to carriers. The password is kept in clear
            // because digest needs it (HA1 depends on the realm the carrier picks), which is
            // why the database file is mode 0600; the control API never returns it.
            try db.execute(sql: """
                CREATE TABLE trunks (
                    name TEXT PRIMARY KEY NOT NULL,
                    registrar TEXT NOT NULL,
                    username TEXT NOT NULL,
                    auth_username TEXT,
                    password TEXT NOT NULL,
                    realm TEXT,
                    transport TEXT NOT NULL DEFAULT 'udp',
                    expires INTEGER NOT NULL,
                    contact_user TEXT,
                    outbound_proxy TEXT,
                    enabled INTEGER NOT NULL DEFAULT 1,
                    created_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v6-console-users") { db in
            // Issue 15: the web console's accounts. The password is kept only as a salted
            // PBKDF2-SHA256 hash (`iterations` rounds), never in clear.
            try db.execute(sql: """
                CREATE TABLE console_users (
                    name TEXT PRIMARY KEY NOT NULL,
                    role TEXT NOT NULL,
                    salt BLOB NOT NULL,
                    hash BLOB NOT NULL,
                    iterations INTEGER NOT NULL,
                    created_at_ms INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v7-no-bindings-expiry-index") { db in
            // Issue 10: the registrar sweeps lapsed bindings from memory and removes each by its
            // key, so nothing reads bindings by expiry; the index only cost page writes per
            // REGISTER (its old entry deleted, the new one added).
            try db.execute(sql: "DROP INDEX IF EXISTS bindings_expires_at")
        }
        return migrator
    }()
}
