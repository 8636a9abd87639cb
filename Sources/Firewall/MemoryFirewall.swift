import SIPWardenPolicy
import Synchronization

/// The in-memory firewall backend: the daemon asks it about every packet's source before
/// parsing, and drops what it blocks.
///
/// Single addresses live in a hash map and ranges in one hash map probed once per prefix
/// length in use, so a lookup costs one hash probe plus one per distinct range length, however
/// many bans there are. When nothing is banned a lookup takes no lock at all. Lapsed bans stop
/// blocking at once (expiry is checked on lookup) and are dropped by `sweep(nowMilliseconds:)`.
public final class MemoryFirewall: FirewallBackend {
    /// The default entry limit: bounds memory (about 100 bytes per entry) when a flood of
    /// spoofed sources gets each of them banned.
    public static let defaultMaximumEntries = 1_000_000

    /// "memory".
    public let name = "memory"
    /// The most bans (single and range) held at once.
    public let maximumEntries: Int

    private let state = Mutex(MemoryFirewallState())
    // Mirrors the entry count so that a lookup with nothing banned skips the lock.
    private let entryCount = Atomic<Int>(0)

    /// Creates an empty firewall holding at most `maximumEntries` bans.
    public init(maximumEntries: Int = MemoryFirewall.defaultMaximumEntries) {
        self.maximumEntries = max(1, maximumEntries)
    }

    /// Puts bans in force; a target banned already keeps the later expiry.
    ///
    /// - Throws: `FirewallError.capacityExceeded` when the new targets do not fit; then
    ///   nothing of the batch is applied.
    public func ban(_ entries: [FirewallBan]) throws {
        guard !entries.isEmpty else { return }
        let limit = maximumEntries
        try state.withLock { (state: inout MemoryFirewallState) throws(FirewallError) in
            var fresh = Set<IPRange>()
            for entry in entries where !state.contains(entry.target) { fresh.insert(entry.target) }
            guard state.count + fresh.count <= limit else {
                throw FirewallError.capacityExceeded(limit: limit, requested: fresh.count)
            }
            for entry in entries { state.insert(entry) }
            entryCount.store(state.count, ordering: .releasing)
        }
    }

    /// Lifts the bans on exactly these targets.
    public func unban(_ targets: [IPRange]) throws {
        guard !targets.isEmpty else { return }
        state.withLock { state in
            for target in targets { state.remove(target) }
            entryCount.store(state.count, ordering: .releasing)
        }
    }

    /// Whether a ban in force covers `address` and no allowed range contains it.
    public func isBlocked(_ address: IPAddress, nowMilliseconds: Int64) -> Bool {
        if entryCount.load(ordering: .acquiring) == 0 { return false }
        return state.withLock { state in
            state.blockingBan(address, now: nowMilliseconds) != nil && !state.isAllowed(address)
        }
    }

    /// Replaces the ranges that are never blocked.
    public func setAllowed(_ ranges: [IPRange]) throws {
        state.withLock { $0.allowed = ranges }
    }

    /// The ban that blocks `address` at `nowMilliseconds` (its exact entry, else the
    /// narrowest range), or nil; allowed ranges are not consulted.
    public func blockingBan(for address: IPAddress, nowMilliseconds: Int64) -> FirewallBan? {
        state.withLock { $0.blockingBan(address, now: nowMilliseconds) }
    }

    /// Drops every ban that lapsed at or before `nowMilliseconds`; returns them.
    @discardableResult
    public func sweep(nowMilliseconds: Int64) -> [FirewallBan] {
        state.withLock { state in
            let lapsed = state.removeLapsed(now: nowMilliseconds)
            entryCount.store(state.count, ordering: .releasing)
            return lapsed
        }
    }

    /// Every ban in force at `nowMilliseconds`, in no particular order.
    public func bans(nowMilliseconds: Int64) -> [FirewallBan] {
        state.withLock { $0.active(now: nowMilliseconds) }
    }

    /// The allowed ranges.
    public var allowed: [IPRange] { state.withLock { $0.allowed } }

    /// Entries held (lapsed ones not swept yet included).
    public var count: Int { entryCount.load(ordering: .acquiring) }
}
