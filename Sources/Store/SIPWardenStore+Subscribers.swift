import GRDB
import Registrar

extension SIPWardenStore {
    /// Inserts the subscriber, or replaces the one with the same username and domain.
    ///
    /// `now` becomes the update time, and the creation time of a new subscriber. Domains are
    /// compared case-insensitively (ASCII); a nil domain means "registers under any domain".
    public func upsertSubscriber(_ s: Subscriber, now: Timestamp) throws {
        try pool.write { db in try SubscriberTable.upsert(s, now: now, in: db) }
    }

    /// Removes the subscriber with this username and domain (nil: the any-domain subscriber).
    ///
    /// - Returns: Whether a subscriber was removed.
    public func removeSubscriber(username: String, domain: String?) throws -> Bool {
        try pool.write { db in
            try db.cachedStatement(sql: SubscriberTable.deleteSQL)
                .execute(arguments: [username, SubscriberTable.storedDomain(domain)])
            return db.changesCount > 0
        }
    }

    /// Every subscriber, ordered by domain then username.
    public func subscribers() throws -> [Subscriber] {
        try pool.read { db in
            var result: [Subscriber] = []
            let rows = try Row.fetchCursor(db, sql: SubscriberTable.selectAllSQL)
            while let row = try rows.next() {
                result.append(try SubscriberTable.subscriber(from: row))
            }
            return result
        }
    }

    /// The subscriber with exactly this username and domain (nil: the any-domain subscriber).
    ///
    /// No fallback from a domain to the any-domain subscriber happens here; that rule belongs
    /// to the registrar.
    public func subscriber(username: String, domain: String?) throws -> Subscriber? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: SubscriberTable.selectOneSQL, arguments: [username, SubscriberTable.storedDomain(domain)]
            ).map(SubscriberTable.subscriber(from:))
        }
    }

    /// Upserts every subscriber of `list` in one transaction: all are written, or none.
    ///
    /// Subscribers not in the list are kept. A later duplicate in the list wins.
    ///
    /// - Returns: The number of subscribers written (`list.count`).
    public func importSubscribers(_ list: [Subscriber], now: Timestamp) throws -> Int {
        try pool.write { db in
            for s in list { try SubscriberTable.upsert(s, now: now, in: db) }
            return list.count
        }
    }
}
