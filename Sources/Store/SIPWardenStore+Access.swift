import GRDB
import Registrar

/// Per-phone allowed ranges and the operator's trusted (never banned) ranges.
extension SIPWardenStore {
    /// Adds a rule (an existing identical rule is kept, with its creation time). The rule is
    /// stored under the subscriber's domain as the subscriber row spells it.
    ///
    /// - Returns: Whether a new rule was added.
    /// - Throws: `StoreError.noSuchSubscriber` when no subscriber has that username and domain.
    @discardableResult
    public func addAllowedRange(_ rule: StoredAllowedRange) throws -> Bool {
        try pool.write { db in
            // The rule takes the subscriber's domain as stored (domains compare case-insensitively).
            guard let domain = try String.fetchOne(
                db, sql: "SELECT domain FROM subscribers WHERE username = ? AND domain = ?",
                arguments: [rule.username, SubscriberTable.storedDomain(rule.domain)])
            else { throw StoreError.noSuchSubscriber(username: rule.username, domain: rule.domain) }
            try db.execute(
                sql: "INSERT OR IGNORE INTO allowed_ranges (username, domain, cidr, port, created_at_ms) VALUES (?, ?, ?, ?, ?)",
                arguments: [rule.username, domain, rule.cidr, rule.port ?? 0, rule.createdAt.milliseconds])
            return db.changesCount > 0
        }
    }

    /// Removes the subscriber's rules for `cidr` (every port).
    ///
    /// - Returns: How many rules were removed.
    @discardableResult
    public func removeAllowedRange(username: String, domain: String?, cidr: String) throws -> Int {
        try pool.write { db in
            try db.execute(
                sql: "DELETE FROM allowed_ranges WHERE username = ? AND domain = ? AND cidr = ?",
                arguments: [username, SubscriberTable.storedDomain(domain), cidr])
            return db.changesCount
        }
    }

    /// Every allowed range, ordered by domain, username, range and port.
    public func allowedRanges() throws -> [StoredAllowedRange] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT username, domain, cidr, port, created_at_ms FROM allowed_ranges ORDER BY domain, username, cidr, port"
            ).map { row in
                let domain: String = row[1]
                let port: Int = row[3]
                return StoredAllowedRange(
                    username: row[0], domain: domain.isEmpty ? nil : domain, cidr: row[2], port: port == 0 ? nil : port,
                    createdAt: Timestamp(milliseconds: row[4]))
            }
        }
    }

    /// Adds a trusted range; returns whether it was new.
    @discardableResult
    public func addTrustedRange(_ cidr: String, now: Timestamp) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO trusted_ranges (cidr, created_at_ms) VALUES (?, ?)", arguments: [cidr, now.milliseconds])
            return db.changesCount > 0
        }
    }

    /// Removes a trusted range; returns whether it was there.
    @discardableResult
    public func removeTrustedRange(_ cidr: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM trusted_ranges WHERE cidr = ?", arguments: [cidr])
            return db.changesCount > 0
        }
    }

    /// The trusted ranges added through the store, in text order.
    public func trustedRanges() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT cidr FROM trusted_ranges ORDER BY cidr") }
    }
}
