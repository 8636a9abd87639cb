import Registrar

/// What the daemon keeps durably, as the SIP service, the security coordinator and the
/// control API use it: bindings, bans, subscribers, allowed and trusted ranges, secrets.
///
/// `SIPWardenStore` (SQLite) is the implementation the daemon runs on; the seam exists so
/// another database (PostgreSQL) can take its place and so the SIP service can be unit-tested
/// over an in-memory store (the `StoreTesting` module, never linked into the daemon).
///
/// Every method is safe to call from any thread and blocks until its read or write is done
/// (a write is committed, with the store's durability, when it returns): never call one on an
/// event loop. The REGISTER path writes through a `GroupCommitter` instead.
public protocol StoreBackend: Sendable {
    // MARK: Bindings

    /// Every stored binding, ordered by AOR then contact key (expired ones included).
    func loadBindings() throws -> [Binding]
    /// The stored bindings of one AOR, ordered by contact key, with the Via path of their last REGISTER.
    func bindings(of aor: String) throws -> [Binding]
    /// Applies `changes` in order in one transaction: all of them, or none.
    func apply(_ changes: [BindingChange]) throws
    /// Applies several change lists in order in one transaction (group commit): all, or none.
    func apply(batch: [[BindingChange]]) throws

    // MARK: Bans

    /// Stores many bans in one transaction, each merged into the one stored for its target
    /// (`SIPWardenStore.upsertBan`'s rules); returns each ban as now stored, in order.
    @discardableResult
    func upsertBans(_ bans: [StoredBan]) throws -> [StoredBan]
    /// Lifts the ban on exactly `target` (`at` nil: now) and records who lifted it and why;
    /// returns the ban removed, or nil when there was none.
    @discardableResult
    func removeBan(target: String, at: Timestamp?, source: String, reason: String) throws -> StoredBan?
    /// Every ban in force at `activeAt`, oldest first.
    func bans(activeAt: Timestamp) throws -> [StoredBan]
    /// The ban stored for exactly `target` (no range lookup); with `activeAt`, a lapsed one counts as absent.
    func ban(target: String, activeAt: Timestamp?) throws -> StoredBan?
    /// Deletes every ban that lapsed at or before `at`; returns them, earliest expiry first.
    @discardableResult
    func removeExpiredBans(at: Timestamp) throws -> [StoredBan]

    // MARK: Subscribers

    /// Inserts the subscriber or replaces the one with the same username and domain (domains
    /// compare case-insensitively; nil is the any-domain subscriber).
    func upsertSubscriber(_ s: Subscriber, now: Timestamp) throws
    /// Removes the subscriber with this username and domain; returns whether there was one.
    func removeSubscriber(username: String, domain: String?) throws -> Bool
    /// Every subscriber, ordered by domain then username.
    func subscribers() throws -> [Subscriber]
    /// The subscriber with exactly this username and domain (no fallback to the any-domain one).
    func subscriber(username: String, domain: String?) throws -> Subscriber?
    /// Upserts every subscriber of `list` in one transaction; returns `list.count`.
    func importSubscribers(_ list: [Subscriber], now: Timestamp) throws -> Int

    // MARK: Access

    /// Adds a per-phone allowed range; returns whether it was new. Throws
    /// `StoreError.noSuchSubscriber` when the subscriber does not exist.
    @discardableResult
    func addAllowedRange(_ rule: StoredAllowedRange) throws -> Bool
    /// Removes the subscriber's rules for `cidr` (every port); returns how many.
    @discardableResult
    func removeAllowedRange(username: String, domain: String?, cidr: String) throws -> Int
    /// Every allowed range, ordered by domain, username, range and port.
    func allowedRanges() throws -> [StoredAllowedRange]
    /// Adds a trusted range; returns whether it was new.
    @discardableResult
    func addTrustedRange(_ cidr: String, now: Timestamp) throws -> Bool
    /// Removes a trusted range; returns whether it was there.
    @discardableResult
    func removeTrustedRange(_ cidr: String) throws -> Bool
    /// The trusted ranges added through the store, in text order.
    func trustedRanges() throws -> [String]

    // MARK: Console accounts (issue 15)

    /// Adds a web-console account, or replaces the one with the same name; whether one was replaced.
    @discardableResult
    func upsertConsoleUser(_ user: StoredConsoleUser) throws -> Bool
    /// Removes a console account; whether there was one.
    func removeConsoleUser(name: String) throws -> Bool
    /// One console account, or nil.
    func consoleUser(name: String) throws -> StoredConsoleUser?
    /// Every console account, by name.
    func consoleUsers() throws -> [StoredConsoleUser]

    // MARK: Trunks (issue 14)

    /// Adds a trunk; false when one of that name exists already (nothing changed).
    @discardableResult
    func addTrunk(_ trunk: StoredTrunk) throws -> Bool
    /// Turns a trunk on or off; false when there is no such trunk.
    @discardableResult
    func setTrunkEnabled(_ name: String, _ enabled: Bool, now: Timestamp) throws -> Bool
    /// Removes a trunk; false when there was none.
    @discardableResult
    func removeTrunk(_ name: String) throws -> Bool
    /// Every stored trunk, by name.
    func trunks() throws -> [StoredTrunk]

    // MARK: Secrets and lifetime

    /// The secret stored under `named`, created with `make()` (at most once) when missing.
    func secret(named: String, createWith make: () -> [UInt8]) throws -> [UInt8]
    /// Closes the store; later calls fail.
    func close() throws
}

extension SIPWardenStore: StoreBackend {}
