import Foundation
import Registrar
import Store
import Synchronization

/// A `StoreBackend` kept in memory, for unit tests of the SIP service, the security
/// coordinator and the control API without SQLite. Not linked into the daemon.
///
/// It keeps the SQLite store's rules: bans merge by `StoredBan.merging`, domains compare
/// case-insensitively (ASCII), an allowed range needs its subscriber and takes its domain's
/// spelling, orderings are the same. Writes can be made to fail (`failWrites`) to drive the
/// paths that answer 500 when a change is not durable.
public final class MemoryStore: StoreBackend {
    /// A write refused on purpose (`failWrites`).
    public struct InjectedFailure: Error, CustomStringConvertible {
        /// What failed.
        public var description: String { "memory store: writes are set to fail (MemoryStore.failWrites)" }
    }

    /// The store's contents.
    private struct Contents {
        var bindings: [String: [String: Binding]] = [:]
        var bans: [String: StoredBan] = [:]
        /// Every ban added, removed or expired, oldest first.
        var banHistory: [(target: String, action: BanAction, at: Timestamp, source: String, reason: String)] = []
        var subscribers: [SubscriberKey: Subscriber] = [:]
        var allowedRanges: [StoredAllowedRange] = []
        var trustedRanges: [String: Timestamp] = [:]
        var secrets: [String: [UInt8]] = [:]
        var consoleUsers: [String: StoredConsoleUser] = [:]
        var trunks: [String: StoredTrunk] = [:]
        var closed = false
        var failWrites = false
        var bindingTransactions = 0
    }

    /// A subscriber's identity: username, and domain folded to lower case ("" for any domain).
    private struct SubscriberKey: Hashable {
        let username: String
        let domain: String
        init(_ username: String, _ domain: String?) {
            self.username = username
            self.domain = (domain ?? "").lowercased()
        }
    }

    private let contents = Mutex(Contents())

    /// Creates an empty store holding `bindings` and `subscribers`.
    public init(bindings: [Binding] = [], subscribers: [Subscriber] = []) {
        contents.withLock { c in
            for binding in bindings { c.bindings[binding.aor, default: [:]][binding.contactKey] = binding }
            for subscriber in subscribers { c.subscribers[SubscriberKey(subscriber.username, subscriber.domain)] = subscriber }
        }
    }

    /// Whether every write fails (with `InjectedFailure`) until set back to false.
    public var failWrites: Bool {
        get { contents.withLock { $0.failWrites } }
        set { contents.withLock { $0.failWrites = newValue } }
    }

    /// How many binding transactions (`apply`, `apply(batch:)`) committed.
    public var bindingTransactions: Int { contents.withLock { $0.bindingTransactions } }

    /// The ban history, oldest first, as (target, action, source, reason).
    public var banHistory: [(target: String, action: BanAction, source: String, reason: String)] {
        contents.withLock { $0.banHistory.map { ($0.target, $0.action, $0.source, $0.reason) } }
    }

    // MARK: Bindings

    public func loadBindings() throws -> [Binding] {
        try read { c in c.bindings.keys.sorted().flatMap { aor in Self.sortedBindings(c.bindings[aor] ?? [:]) } }
    }

    public func bindings(of aor: String) throws -> [Binding] {
        try read { c in Self.sortedBindings(c.bindings[aor] ?? [:]) }
    }

    public func apply(_ changes: [BindingChange]) throws {
        try apply(batch: [changes])
    }

    public func apply(batch: [[BindingChange]]) throws {
        try write { c in
            for changes in batch {
                for change in changes {
                    switch change {
                    case .upsert(let binding): c.bindings[binding.aor, default: [:]][binding.contactKey] = binding
                    case .remove(let aor, let contactKey):
                        c.bindings[aor]?[contactKey] = nil
                        if c.bindings[aor]?.isEmpty == true { c.bindings[aor] = nil }
                    }
                }
            }
            c.bindingTransactions += 1
        }
    }

    // MARK: Bans

    @discardableResult
    public func upsertBans(_ bans: [StoredBan]) throws -> [StoredBan] {
        guard !bans.isEmpty else { return [] }
        return try write { c in
            // All or none: merged into a copy, kept only when every ban merged.
            var staged = c.bans
            var history = c.banHistory
            var result: [StoredBan] = []
            for ban in bans {
                let (merged, lapsed) = try StoredBan.merging(ban, into: staged[ban.target])
                if let lapsed { history.append((lapsed.target, .expired, lapsed.expiresAt, lapsed.source, lapsed.reason)) }
                staged[ban.target] = merged
                history.append((ban.target, .added, ban.createdAt, ban.source, ban.reason))
                result.append(merged)
            }
            c.bans = staged
            c.banHistory = history
            return result
        }
    }

    @discardableResult
    public func removeBan(target: String, at: Timestamp?, source: String, reason: String) throws -> StoredBan? {
        let now = at ?? Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        return try write { c in
            guard let existing = c.bans.removeValue(forKey: target) else { return nil }
            c.banHistory.append((target, .removed, now, source, reason))
            return existing
        }
    }

    public func bans(activeAt: Timestamp) throws -> [StoredBan] {
        try read { c in
            c.bans.values.filter { $0.isActive(at: activeAt) }
                .sorted { ($0.createdAt.milliseconds, $0.target) < ($1.createdAt.milliseconds, $1.target) }
        }
    }

    public func ban(target: String, activeAt: Timestamp?) throws -> StoredBan? {
        try read { c in
            guard let found = c.bans[target] else { return nil }
            if let activeAt, !found.isActive(at: activeAt) { return nil }
            return found
        }
    }

    @discardableResult
    public func removeExpiredBans(at: Timestamp) throws -> [StoredBan] {
        try write { c in
            let expired = c.bans.values.filter { !$0.isActive(at: at) }
                .sorted { ($0.expiresAt.milliseconds, $0.target) < ($1.expiresAt.milliseconds, $1.target) }
            for ban in expired {
                c.bans[ban.target] = nil
                c.banHistory.append((ban.target, .expired, ban.expiresAt, ban.source, ban.reason))
            }
            return expired
        }
    }

    // MARK: Subscribers

    public func upsertSubscriber(_ s: Subscriber, now: Timestamp) throws {
        try write { c in c.subscribers[SubscriberKey(s.username, s.domain)] = s }
    }

    public func removeSubscriber(username: String, domain: String?) throws -> Bool {
        try write { c in c.subscribers.removeValue(forKey: SubscriberKey(username, domain)) != nil }
    }

    public func subscribers() throws -> [Subscriber] {
        try read { c in c.subscribers.values.sorted { (($0.domain ?? "").lowercased(), $0.username) < (($1.domain ?? "").lowercased(), $1.username) } }
    }

    public func subscriber(username: String, domain: String?) throws -> Subscriber? {
        try read { c in c.subscribers[SubscriberKey(username, domain)] }
    }

    public func importSubscribers(_ list: [Subscriber], now: Timestamp) throws -> Int {
        try write { c in
            for s in list { c.subscribers[SubscriberKey(s.username, s.domain)] = s }
            return list.count
        }
    }

    // MARK: Access

    @discardableResult
    public func addAllowedRange(_ rule: StoredAllowedRange) throws -> Bool {
        try write { c in
            guard let owner = c.subscribers[SubscriberKey(rule.username, rule.domain)] else {
                throw StoreError.noSuchSubscriber(username: rule.username, domain: rule.domain)
            }
            var stored = rule
            stored.domain = owner.domain
            let same = { (r: StoredAllowedRange) in
                r.username == stored.username && SubscriberKey(r.username, r.domain) == SubscriberKey(stored.username, stored.domain)
                    && r.cidr == stored.cidr && r.port == stored.port
            }
            guard !c.allowedRanges.contains(where: same) else { return false }
            c.allowedRanges.append(stored)
            return true
        }
    }

    @discardableResult
    public func removeAllowedRange(username: String, domain: String?, cidr: String) throws -> Int {
        try write { c in
            let before = c.allowedRanges.count
            c.allowedRanges.removeAll { SubscriberKey($0.username, $0.domain) == SubscriberKey(username, domain) && $0.cidr == cidr }
            return before - c.allowedRanges.count
        }
    }

    public func allowedRanges() throws -> [StoredAllowedRange] {
        try read { c in
            c.allowedRanges.sorted {
                (($0.domain ?? "").lowercased(), $0.username, $0.cidr, $0.port ?? 0) < (($1.domain ?? "").lowercased(), $1.username, $1.cidr, $1.port ?? 0)
            }
        }
    }

    @discardableResult
    public func addTrustedRange(_ cidr: String, now: Timestamp) throws -> Bool {
        try write { c in
            guard c.trustedRanges[cidr] == nil else { return false }
            c.trustedRanges[cidr] = now
            return true
        }
    }

    @discardableResult
    public func removeTrustedRange(_ cidr: String) throws -> Bool {
        try write { c in c.trustedRanges.removeValue(forKey: cidr) != nil }
    }

    public func trustedRanges() throws -> [String] {
        try read { c in c.trustedRanges.keys.sorted() }
    }

    // MARK: Console accounts

    @discardableResult
    public func upsertConsoleUser(_ user: StoredConsoleUser) throws -> Bool {
        try write { c in c.consoleUsers.updateValue(user, forKey: user.name) != nil }
    }

    public func removeConsoleUser(name: String) throws -> Bool {
        try write { c in c.consoleUsers.removeValue(forKey: name) != nil }
    }

    public func consoleUser(name: String) throws -> StoredConsoleUser? {
        try read { c in c.consoleUsers[name] }
    }

    public func consoleUsers() throws -> [StoredConsoleUser] {
        try read { c in c.consoleUsers.values.sorted { $0.name < $1.name } }
    }

    // MARK: Trunks

    @discardableResult
    public func addTrunk(_ trunk: StoredTrunk) throws -> Bool {
        try write { c in
            guard c.trunks[trunk.name] == nil else { return false }
            c.trunks[trunk.name] = trunk
            return true
        }
    }

    @discardableResult
    public func setTrunkEnabled(_ name: String, _ enabled: Bool, now: Timestamp) throws -> Bool {
        try write { c in
            guard var trunk = c.trunks[name] else { return false }
            trunk.enabled = enabled
            trunk.updatedAt = now
            c.trunks[name] = trunk
            return true
        }
    }

    @discardableResult
    public func removeTrunk(_ name: String) throws -> Bool {
        try write { c in c.trunks.removeValue(forKey: name) != nil }
    }

    public func trunks() throws -> [StoredTrunk] {
        try read { c in c.trunks.values.sorted { $0.name < $1.name } }
    }

    // MARK: Secrets and lifetime

    public func secret(named: String, createWith make: () -> [UInt8]) throws -> [UInt8] {
        try write { c in
            if let stored = c.secrets[named] { return stored }
            let fresh = make()
            c.secrets[named] = fresh
            return fresh
        }
    }

    public func close() throws {
        contents.withLock { $0.closed = true }
    }

    // MARK: Helpers

    private static func sortedBindings(_ byContact: [String: Binding]) -> [Binding] {
        byContact.keys.sorted().compactMap { byContact[$0] }
    }

    private func read<T>(_ body: (Contents) throws -> T) throws -> T {
        try contents.withLock { c in
            guard !c.closed else { throw StoreError.cannotOpen(path: ":memory:", reason: "the memory store is closed") }
            return try body(c)
        }
    }

    private func write<T>(_ body: (inout Contents) throws -> T) throws -> T {
        try contents.withLock { c in
            guard !c.closed else { throw StoreError.cannotOpen(path: ":memory:", reason: "the memory store is closed") }
            guard !c.failWrites else { throw InjectedFailure() }
            return try body(&c)
        }
    }
}
