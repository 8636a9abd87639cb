import CNFTables
import Glibc
import SIPWardenPolicy
import Synchronization

/// The nftables backend: bans and allowed ranges live in the sets of one table, `inet
/// sipwarden`, and the kernel drops banned sources at prerouting, before connection tracking,
/// so they never reach the daemon's sockets.
///
/// Every change is one netlink batch through libnftnl and libmnl (no `nft` process), applied by
/// the kernel all or nothing. The backend keeps its own view of what it put in the kernel. The
/// packet path has nothing left to check (`isBlocked` is always false): an in-memory mirror
/// would only repeat the kernel's work, and cost 40% of a large batch's time in hashing.
/// A sentinel element in each set (0.0.0.0 or ::, never a real source) lets `verifyAndRepair`
/// notice a flushed set or a deleted table without listing a million elements.
///
/// Only one backend object in a network namespace holds a given table (`NFTablesTableClaim`):
/// a second daemon configured for the same table is refused before it touches the kernel,
/// rather than each "repairing" the other's bans and rules as edits made by hand.
public final class NFTablesFirewall: FirewallBackend {
    /// "nftables".
    public let name = "nftables"
    /// The options the table was set up with.
    public let options: NFTablesOptions

    private let session: Mutex<Session>
    private let clock: @Sendable () -> Int64
    /// Held for the backend's lifetime (the process's, in the daemon); released when it goes.
    private let claim: NFTablesTableClaim

    private struct Session: ~Copyable {
        var connection: NFTablesConnection
        var state = NFTablesState()
    }

    /// Opens netlink and brings the table to our layout holding exactly `bans` and `allowed`
    /// (the store's view), in one transaction: bans already in the kernel from before a restart
    /// keep holding throughout, stale ones go, missing ones arrive with their remaining time.
    /// Then finds out how this kernel re-adds elements. First it claims the table for this
    /// process in the network namespace, so that no other daemon works on it meanwhile.
    ///
    /// - Throws: `NFTablesError` saying why nftables cannot be used here;
    ///   `.tableOwned` naming the pid of the process that holds the table already.
    public init(
        options: NFTablesOptions = NFTablesOptions(), bans: [FirewallBan] = [], allowed: [IPRange] = [],
        clock: @escaping @Sendable () -> Int64 = NFTablesFirewall.realtimeMilliseconds
    ) throws(NFTablesError) {
        self.options = options
        self.clock = clock
        let now = clock()
        let live = bans.filter { $0.expiresAtMilliseconds > now }
        var session = Session(connection: try NFTablesConnection(networkNamespace: options.networkNamespace))
        claim = try NFTablesTableClaim(table: options.table, networkNamespace: options.networkNamespace)
        (session.state.singles, session.state.ranges) = Self.view(of: live)
        session.state.allowed = allowed
        var batch = session.connection.makeBatch()
        try Self.appendLayout(&batch, layout: Self.layout(options))
        try Self.appendBanSetsRewrite(&batch, singles: session.state.singles, ranges: session.state.ranges, now: now, table: options.table)
        for family in [4, 6] { try Self.appendAllowSetRewrite(&batch, family: family, ranges: allowed, table: options.table) }
        try Self.commitLayout(&session, batch, table: options.table)
        session.state.refreshesTimeouts = options.forceDeleteAndAdd ? false : try Self.probeTimeoutRefresh(&session, table: options.table)
        self.session = Mutex(session)
    }

    /// Whether this kernel refreshes an element's timeout when it is added again (6.12 and
    /// later); otherwise a re-ban deletes and adds in one batch.
    public var refreshesTimeoutsOnReAdd: Bool { session.withLock { $0.state.refreshesTimeouts } }

    /// How many single-address and range bans the backend holds.
    public var banCount: Int { session.withLock { $0.state.singles.count + $0.state.ranges.count } }

    // MARK: FirewallBackend

    /// Adds bans; a target banned already gets the later of its two expiries.
    public func ban(_ entries: [FirewallBan]) throws {
        guard !entries.isEmpty else { return }
        let now = clock()
        try session.withLock { (session: inout Session) throws(NFTablesError) in
            // One element per target even when a call names it twice (latest expiry wins).
            var singles: [IPRange: Int64] = [:]
            var replaced: Set<IPRange> = []
            var ranges = session.state.ranges
            var changedFamilies: Set<Int> = []
            for entry in entries where entry.expiresAtMilliseconds > now {
                let target = entry.target
                if target.isSingleAddress {
                    let old = session.state.singles[target]
                    if let old, old >= entry.expiresAtMilliseconds { continue }
                    if let old, old > now, !session.state.refreshesTimeouts { replaced.insert(target) }
                    singles[target] = max(singles[target] ?? .min, entry.expiresAtMilliseconds)
                } else if (ranges[target] ?? .min) < entry.expiresAtMilliseconds {
                    ranges[target] = entry.expiresAtMilliseconds
                    changedFamilies.insert(target.network.familyNumber)
                }
            }
            guard !singles.isEmpty || !changedFamilies.isEmpty else { return }
            let table = options.table
            try Self.commitSkippingVanished(&session) { (batch: inout NFTablesBatch, vanished: Set<String>) throws(NFTablesError) in
                for family in [4, 6] {
                    let set = NFTablesLayout.banSet(family: family)
                    let deletes = replaced.filter { $0.network.familyNumber == family && !vanished.contains($0.description) }
                    if !deletes.isEmpty {
                        try batch.appendElements(.delete, set: set, table: table, elements: deletes.map { Self.element(for: $0, timeout: 0) })
                    }
                    let adds = singles.lazy.filter { $0.key.network.familyNumber == family }
                        .map { Self.element(for: $0.key, timeout: UInt64($0.value - now)) }
                    if !adds.isEmpty { try batch.appendElements(.add, set: set, table: table, elements: Array(adds)) }
                }
                for family in changedFamilies.sorted() {
                    try Self.appendRangeSetRewrite(&batch, family: family, ranges: ranges, now: now, table: table)
                }
            }
            session.state.singles.reserveCapacity(session.state.singles.count + singles.count)
            for (target, expiry) in singles { session.state.singles[target] = expiry }
            session.state.ranges = ranges
        }
    }

    /// Lifts the bans on exactly these targets.
    public func unban(_ targets: [IPRange]) throws {
        guard !targets.isEmpty else { return }
        let now = clock()
        try session.withLock { (session: inout Session) throws(NFTablesError) in
            var deletes: [IPRange] = []
            var forgotten: [IPRange] = []
            var ranges = session.state.ranges
            var changedFamilies: Set<Int> = []
            for target in Set(targets) {
                if target.isSingleAddress {
                    guard let expiry = session.state.singles[target] else { continue }
                    // A lapsed element is gone from the kernel already (or about to be).
                    if expiry > now { deletes.append(target) } else { forgotten.append(target) }
                } else if ranges.removeValue(forKey: target) != nil {
                    changedFamilies.insert(target.network.familyNumber)
                }
            }
            let table = options.table
            if !deletes.isEmpty || !changedFamilies.isEmpty {
                try Self.commitSkippingVanished(&session) { (batch: inout NFTablesBatch, vanished: Set<String>) throws(NFTablesError) in
                    for family in [4, 6] {
                        let set = NFTablesLayout.banSet(family: family)
                        let elements = deletes.filter { $0.network.familyNumber == family && !vanished.contains($0.description) }
                            .map { Self.element(for: $0, timeout: 0) }
                        if !elements.isEmpty { try batch.appendElements(.delete, set: set, table: table, elements: elements) }
                    }
                    for family in changedFamilies.sorted() {
                        try Self.appendRangeSetRewrite(&batch, family: family, ranges: ranges, now: now, table: table)
                    }
                }
            }
            for target in deletes + forgotten { session.state.singles.removeValue(forKey: target) }
            session.state.ranges = ranges
        }
    }

    /// Always false: the kernel drops banned sources at prerouting, so their packets never
    /// reach the daemon's sockets.
    public func isBlocked(_ address: IPAddress, nowMilliseconds: Int64) -> Bool { false }

    /// Replaces the allowed ranges in sets allow4 and allow6, in one batch.
    public func setAllowed(_ ranges: [IPRange]) throws {
        try session.withLock { (session: inout Session) throws(NFTablesError) in
            var batch = session.connection.makeBatch()
            for family in [4, 6] { try Self.appendAllowSetRewrite(&batch, family: family, ranges: ranges, table: options.table) }
            try session.connection.commit(batch)
            session.state.allowed = ranges
        }
    }

    /// Brings the ban sets to exactly `bans`, in one batch: the sets are emptied and refilled
    /// inside one transaction, so no ban stops holding for a moment.
    public func restore(_ bans: [FirewallBan]) throws {
        let now = clock()
        let live = bans.filter { $0.expiresAtMilliseconds > now }
        try session.withLock { (session: inout Session) throws(NFTablesError) in
            let (singles, ranges) = Self.view(of: live)
            var batch = session.connection.makeBatch()
            try Self.appendBanSetsRewrite(&batch, singles: singles, ranges: ranges, now: now, table: options.table)
            try session.connection.commit(batch)
            session.state.singles = singles
            session.state.ranges = ranges
        }
    }

    /// Checks that the table, its rules and its sets are still as we left them, and repairs
    /// what is not (a deleted table, rules edited by hand, a flushed set) from the daemon's
    /// own view. Returns one line per repair, for the log.
    public func verifyAndRepair() throws -> [String] {
        let now = clock()
        return try session.withLock { (session: inout Session) throws(NFTablesError) -> [String] in
            let table = options.table
            let layout = Self.layout(options)
            guard try session.connection.tableExists(table) else {
                var batch = session.connection.makeBatch()
                try Self.appendLayout(&batch, layout: layout)
                try Self.appendBanSetsRewrite(&batch, singles: session.state.singles, ranges: session.state.ranges, now: now, table: table)
                for family in [4, 6] { try Self.appendAllowSetRewrite(&batch, family: family, ranges: session.state.allowed, table: table) }
                try Self.commitLayout(&session, batch, table: table)
                return ["table inet \(table) was missing: re-created it with \(session.state.singles.count + session.state.ranges.count) bans and \(session.state.allowed.count) allowed ranges"]
            }
            var repairs: [String] = []
            let handles = try session.connection.ruleHandles(table: table)
            if handles != session.state.ruleHandles {
                var batch = session.connection.makeBatch()
                try Self.appendLayout(&batch, layout: layout)
                try Self.commitLayout(&session, batch, table: table)
                repairs.append("rules of table inet \(table) were changed by hand: restored its \(layout.rules.count) rules")
            }
            for set in [NFTablesLayout.ban4, NFTablesLayout.ban6, NFTablesLayout.bannet4, NFTablesLayout.bannet6, NFTablesLayout.allow4, NFTablesLayout.allow6] {
                let family = set.family
                if try session.connection.elementsExist([Self.sentinelKey(family: family)], set: set, table: table) {
                    // The set was not flushed; for the address sets, check a rotating sample of
                    // bans too (one request), to notice elements deleted one by one.
                    guard !set.interval, let repair = try Self.repairSampledBans(&session, set: set, family: family, now: now, table: table) else { continue }
                    repairs.append(repair)
                    continue
                }
                var batch = session.connection.makeBatch()
                let restored: Int
                switch set.role {
                case .allowed:
                    try Self.appendAllowSetRewrite(&batch, family: family, ranges: session.state.allowed, table: table)
                    restored = session.state.allowed.filter { $0.network.familyNumber == family }.count
                case .rangeBans:
                    try Self.appendRangeSetRewrite(&batch, family: family, ranges: session.state.ranges, now: now, table: table)
                    restored = session.state.ranges.keys.filter { $0.network.familyNumber == family }.count
                case .bans, .ports:
                    let live = session.state.singles.filter { $0.key.network.familyNumber == family && $0.value > now }
                    try batch.appendFlush(set: set, table: table)
                    try batch.appendElements(.add, set: set, table: table, elements: Self.sentinelElements(family: family, interval: false)
                        + live.map { Self.element(for: $0.key, timeout: UInt64($0.value - now)) })
                    restored = live.count
                }
                try session.connection.commit(batch)
                repairs.append("set \(set.name) of table inet \(table) lost its contents (flushed by hand?): restored \(restored) elements")
            }
            return repairs
        }
    }

    /// How many single-address bans each drift check looks up per family.
    static let driftSampleSize = 64

    /// Looks up the next `driftSampleSize` live bans of `family` in `set`; when one is missing,
    /// re-adds every live ban of the family (adding one present already changes nothing) and
    /// says so.
    private static func repairSampledBans(
        _ session: inout Session, set: NFTablesSetDefinition, family: Int, now: Int64, table: String
    ) throws(NFTablesError) -> String? {
        // Bans about to lapse may be gone from the kernel already: they are not evidence.
        let live = session.state.singles.lazy.filter { $0.key.network.familyNumber == family && $0.value > now + 5000 }
        let total = session.state.singles.count
        guard total > 0 else { return nil }
        let cursor = (session.state.sampleCursor[family] ?? 0) % total
        var sample = Array(live.dropFirst(cursor).prefix(driftSampleSize))
        if sample.count < driftSampleSize { sample += live.prefix(driftSampleSize - sample.count) }
        session.state.sampleCursor[family] = cursor + driftSampleSize
        let elements = sample.map { element(for: $0.key, timeout: 0) }
        guard !elements.isEmpty, try !session.connection.elementsExist(elements, set: set, table: table) else { return nil }
        let everything = session.state.singles.filter { $0.key.network.familyNumber == family && $0.value > now }
        var batch = session.connection.makeBatch()
        try batch.appendElements(.add, set: set, table: table, elements: everything.map { element(for: $0.key, timeout: UInt64($0.value - now)) })
        try session.connection.commit(batch)
        return "set \(set.name) of table inet \(table) lost bans (deleted by hand?): re-added its \(everything.count) bans"
    }

    /// Deletes the table and everything in it.
    public func removeTable() throws {
        try session.withLock { (session: inout Session) throws(NFTablesError) in
            let object = try allocated(nftnl_table_alloc(), "table inet \(options.table)")
            defer { nftnl_table_free(object) }
            nftnl_table_set_str(object, attribute(NFTNL_TABLE_NAME), options.table)
            var batch = session.connection.makeBatch()
            try batch.append(.deleteTable(options.table), type: NFT_MSG_DELTABLE.rawValue, flags: 0) { nftnl_table_nlmsg_build_payload($0, object) }
            try session.connection.commit(batch)
            session.state = NFTablesState()
        }
    }

    /// Called at daemon stop: removes the table only when the options say so.
    public func shutdown() throws {
        if options.removeTableOnStop { try removeTable() }
    }

    /// The wall clock in milliseconds since the epoch.
    public static let realtimeMilliseconds: @Sendable () -> Int64 = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    // MARK: Building batches

    static func layout(_ options: NFTablesOptions) -> NFTablesLayout {
        NFTablesLayout(table: options.table, ports: options.ports, allPorts: options.allPorts)
    }

    /// Appends what creates the table, sets and chains (kept, elements and all, when they
    /// exist) and replaces our chains' rules and the port set. Never touches ban or allow elements.
    private static func appendLayout(_ batch: inout NFTablesBatch, layout: NFTablesLayout) throws(NFTablesError) {
        let table = layout.table
        let tableObject = try allocated(nftnl_table_alloc(), "table inet \(table)")
        defer { nftnl_table_free(tableObject) }
        nftnl_table_set_str(tableObject, attribute(NFTNL_TABLE_NAME), table)
        try batch.append(.create(.table(table)), type: NFT_MSG_NEWTABLE.rawValue, flags: NLM_F_CREATE) { nftnl_table_nlmsg_build_payload($0, tableObject) }
        for set in layout.sets {
            let object = try set.makeKernelSet(table: table)
            defer { nftnl_set_free(object) }
            try batch.append(.create(.set(set.name)), type: NFT_MSG_NEWSET.rawValue, flags: NLM_F_CREATE) { nftnl_set_nlmsg_build_payload($0, object) }
        }
        for chain in layout.chains {
            let object = try chain.makeKernelChain(table: table)
            defer { nftnl_chain_free(object) }
            try batch.append(.create(.chain(chain.name)), type: NFT_MSG_NEWCHAIN.rawValue, flags: NLM_F_CREATE) { nftnl_chain_nlmsg_build_payload($0, object) }
        }
        for chain in layout.chains {
            let object = try chain.makeFlushRule(table: table)
            defer { nftnl_rule_free(object) }
            try batch.append(.flushChain(chain.name), type: NFT_MSG_DELRULE.rawValue, flags: 0) { nftnl_rule_nlmsg_build_payload($0, object) }
        }
        for rule in layout.rules {
            let object = try rule.makeKernelRule(table: table)
            defer { nftnl_rule_free(object) }
            try batch.append(.addRule(chain: rule.chain, text: rule.nftText), type: NFT_MSG_NEWRULE.rawValue, flags: NLM_F_CREATE | NLM_F_APPEND) {
                nftnl_rule_nlmsg_build_payload($0, object)
            }
        }
        if !layout.allPorts {
            try batch.appendFlush(set: NFTablesLayout.sipports, table: table)
            try batch.appendElements(.add, set: NFTablesLayout.sipports, table: table, elements: Set(layout.ports).sorted().map {
                NFTablesSetElement(key: UInt128($0), length: 2)
            })
        }
    }

    /// Commits a batch holding the layout, naming an object of ours that someone redefined by
    /// hand; then records the rule handles, to notice later edits.
    private static func commitLayout(_ session: inout Session, _ batch: consuming NFTablesBatch, table: String) throws(NFTablesError) {
        do {
            try session.connection.commit(batch)
        } catch .batchFailed(let failures) {
            for failure in failures where [EEXIST, EBUSY, EOPNOTSUPP].contains(failure.errno) {
                guard let object = failure.action.created else { continue }
                throw .changedByHand(object: "\(object)", table: table, errno: failure.errno)
            }
            throw .batchFailed(failures)
        }
        session.state.ruleHandles = try session.connection.ruleHandles(table: table)
    }

    /// Single-address and range bans by target, each with its latest expiry.
    private static func view(of bans: [FirewallBan]) -> (singles: [IPRange: Int64], ranges: [IPRange: Int64]) {
        var singles: [IPRange: Int64] = [:]
        var ranges: [IPRange: Int64] = [:]
        for ban in bans {
            if ban.target.isSingleAddress {
                singles[ban.target] = max(singles[ban.target] ?? .min, ban.expiresAtMilliseconds)
            } else {
                ranges[ban.target] = max(ranges[ban.target] ?? .min, ban.expiresAtMilliseconds)
            }
        }
        return (singles, ranges)
    }

    /// Re-adds a 60-second element with a one-hour timeout and reads back which one holds.
    private static func probeTimeoutRefresh(_ session: inout Session, table: String) throws(NFTablesError) -> Bool {
        let probe = { (timeout: UInt64) in NFTablesSetElement.address(UInt128(UInt32.max), family: 4, timeoutMilliseconds: timeout, name: "255.255.255.255 (probe)") }
        for timeout: UInt64 in [60_000, 3_600_000] {
            var batch = session.connection.makeBatch()
            try batch.appendElements(.add, set: NFTablesLayout.ban4, table: table, elements: [probe(timeout)])
            try session.connection.commit(batch)
        }
        let remaining = try session.connection.elementExpiration(probe(0), set: NFTablesLayout.ban4, table: table) ?? 0
        var batch = session.connection.makeBatch()
        try batch.appendElements(.delete, set: NFTablesLayout.ban4, table: table, elements: [probe(0)])
        try session.connection.commit(batch)
        return remaining > 120_000
    }

    /// Commits the batch `build` makes; when the kernel says elements to delete are not there
    /// (an admin removed them, or they just lapsed), builds it again without them. `build`
    /// gets the labels of those elements.
    private static func commitSkippingVanished(
        _ session: inout Session, _ build: (inout NFTablesBatch, Set<String>) throws(NFTablesError) -> Void
    ) throws(NFTablesError) {
        var vanished: Set<String> = []
        for _ in 0..<4 {
            var batch = session.connection.makeBatch()
            try build(&batch, vanished)
            do {
                try session.connection.commit(batch)
                return
            } catch .batchFailed(let failures) {
                let missing = failures.filter { $0.errno == ENOENT && $0.action.deletesElements && $0.element != nil }
                guard missing.count == failures.count else { throw .batchFailed(failures) }
                vanished.formUnion(missing.compactMap(\.element))
            }
        }
        throw .protocolViolation("elements kept vanishing while their bans were being changed")
    }

    private static func appendBanSetsRewrite(
        _ batch: inout NFTablesBatch, singles: [IPRange: Int64], ranges: [IPRange: Int64], now: Int64, table: String
    ) throws(NFTablesError) {
        for family in [4, 6] {
            let set = NFTablesLayout.banSet(family: family)
            try batch.appendFlush(set: set, table: table)
            var elements = sentinelElements(family: family, interval: false)
            for (target, expiry) in singles where target.network.familyNumber == family && expiry > now {
                elements.append(element(for: target, timeout: UInt64(expiry - now)))
            }
            try batch.appendElements(.add, set: set, table: table, elements: elements)
            try appendRangeSetRewrite(&batch, family: family, ranges: ranges, now: now, table: table)
        }
    }

    /// Empties bannet4 or bannet6 and refills it with the disjoint cover of the range bans and
    /// the sentinel (interval sets refuse overlapping elements).
    private static func appendRangeSetRewrite(
        _ batch: inout NFTablesBatch, family: Int, ranges: [IPRange: Int64], now: Int64, table: String
    ) throws(NFTablesError) {
        let set = NFTablesLayout.rangeBanSet(family: family)
        var intervals = [IntervalCover.Interval(first: 0, last: 0, expiry: .max)]
        for (range, expiry) in ranges where range.network.familyNumber == family && expiry > now {
            let bounds = range.numericBounds
            intervals.append(.init(first: bounds.first, last: bounds.last, expiry: expiry))
        }
        try batch.appendFlush(set: set, table: table)
        try batch.appendElements(.add, set: set, table: table, elements: intervalElements(IntervalCover.cover(intervals), family: family, now: now))
    }

    /// Empties allow4 or allow6 and refills it with the merged allowed ranges and the sentinel.
    private static func appendAllowSetRewrite(_ batch: inout NFTablesBatch, family: Int, ranges: [IPRange], table: String) throws(NFTablesError) {
        let set = NFTablesLayout.allowSet(family: family)
        var intervals = [IntervalCover.Interval(first: 0, last: 0, expiry: .max)]
        for range in ranges where range.network.familyNumber == family {
            let bounds = range.numericBounds
            intervals.append(.init(first: bounds.first, last: bounds.last, expiry: .max))
        }
        try batch.appendFlush(set: set, table: table)
        try batch.appendElements(.add, set: set, table: table, elements: intervalElements(IntervalCover.cover(intervals), family: family, now: 0))
    }

    private static func intervalElements(_ cover: [IntervalCover.Interval], family: Int, now: Int64) -> [NFTablesSetElement] {
        let top: UInt128 = family == 4 ? UInt128(UInt32.max) : .max
        return cover.flatMap { interval -> [NFTablesSetElement] in
            let name = IPAddress.numeric(interval.first, family: family).description + "-" + IPAddress.numeric(min(interval.last, top), family: family).description
            let timeout: UInt64 = interval.expiry == .max ? 0 : UInt64(max(1, interval.expiry - now))
            let comment = interval.first == 0 ? sentinelComment : nil
            return NFTablesSetElement.interval(
                first: interval.first, last: min(interval.last, top), family: family, timeoutMilliseconds: timeout, comment: comment, name: name
            )
        }
    }

    static let sentinelComment = "sipwarden sentinel: do not remove (its absence makes the daemon re-sync this set)"

    /// The sentinel: 0.0.0.0 or :: (never a real source), permanent, with a comment.
    static func sentinelElements(family: Int, interval: Bool) -> [NFTablesSetElement] {
        let name = family == 4 ? "0.0.0.0 (sentinel)" : ":: (sentinel)"
        if interval { return NFTablesSetElement.interval(first: 0, last: 0, family: family, comment: sentinelComment, name: name) }
        var element = NFTablesSetElement.address(0, family: family, name: name)
        element.comment = sentinelComment
        return [element]
    }

    /// The key the drift check looks the sentinel up by.
    static func sentinelKey(family: Int) -> NFTablesSetElement {
        NFTablesSetElement.address(0, family: family, name: family == 4 ? "0.0.0.0 (sentinel)" : ":: (sentinel)")
    }

    static func element(for target: IPRange, timeout: UInt64) -> NFTablesSetElement {
        NFTablesSetElement.address(target.network.numericValue, family: target.network.familyNumber, timeoutMilliseconds: timeout)
    }
}
