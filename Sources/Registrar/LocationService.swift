import SIPWardenPolicy

/// The bindings of every address of record, in memory: the registrar's view of who is where.
/// (Bindings read back from it carry no `viaPath`: that history lives in the store.)
///
/// Bindings are packed (`StoredBinding`) in a slab, found by AOR through a hash index, and
/// filed by the second they lapse, so the sweep touches only what is due instead of every
/// binding. Bindings that have lapsed stay until `removeExpired(now:)` sweeps them, but every
/// reader that takes `now` ignores them, so a late sweep never makes a dead binding look alive.
public struct LocationService: Sendable {
    private var slots: [StoredBinding?] = []
    private var freeSlots: [Int32] = []
    /// The first slot of each AOR hash's chain. Colliding AORs share a chain; readers check
    /// the AOR.
    private var chainHeads = CompactTable<Int32>(filler: -1)
    /// Per slot, the next slot of its chain (-1: the last), in registration order: with the
    /// heads, 4 bytes per binding and 14 to 28 per AOR, where a dictionary of lists took 32 to 64.
    private var nextInChain: [Int32] = []
    /// Slot indices by the second their binding lapses; stale entries are skipped when swept.
    private var expiryBuckets: [Int64: [Int32]] = [:]
    /// Every second before this one has been swept.
    private var sweepCursor: Int64 = .max
    /// User-Agent texts shared by bindings (index 0 is unused: "not shared"), bounded so
    /// random User-Agents from a scanner cannot grow it without limit.
    private var userAgents: [String] = [""]
    private var userAgentIndices: [String: UInt16] = [:]
    private static let maxSharedUserAgents = 4096

    /// Bindings held per source address (binary, as the socket reported it), for policy budgets.
    private var countsBySourceIP: [IPAddress: Int] = [:]

    /// The number of bindings held, lapsed or not.
    public private(set) var count = 0
    /// The number of AORs with at least one binding held.
    public private(set) var aorCount = 0

    /// Creates an empty location service.
    public init() {}

    /// Creates a location service holding `bindings` (as loaded from the store).
    public init(_ bindings: [Binding]) {
        for binding in bindings { upsert(binding) }
    }

    /// The bindings of `aor` still alive at `now`, in registration order.
    public func bindings(of aor: String, now: Timestamp) -> [Binding] {
        slotIndices(of: aor).compactMap { index in
            guard let stored = slots[Int(index)], stored.expiresAtMilliseconds > now.milliseconds else { return nil }
            return stored.binding(userAgents: userAgents)
        }
    }

    /// Every binding held, including lapsed ones not yet swept.
    public func allBindings() -> [Binding] {
        slots.compactMap { $0?.binding(userAgents: userAgents) }
    }

    /// Every binding alive at `now`.
    public func liveBindings(now: Timestamp) -> [Binding] {
        slots.compactMap { stored in
            guard let stored, stored.expiresAtMilliseconds > now.milliseconds else { return nil }
            return stored.binding(userAgents: userAgents)
        }
    }

    /// How many slots the slab has: the end of the range `liveBindings(now:slots:)` walks.
    public var slotCount: Int { slots.count }

    /// The bindings alive at `now` among the slots in `range` (clamped to the slab), so a
    /// caller can copy 100,000 bindings a few thousand at a time instead of under one long
    /// hold of whatever lock guards this value.
    public func liveBindings(now: Timestamp, slots range: Range<Int>) -> [Binding] {
        let range = range.clamped(to: slots.indices)
        var live: [Binding] = []
        live.reserveCapacity(range.count)
        for index in range {
            guard let stored = slots[index], stored.expiresAtMilliseconds > now.milliseconds else { continue }
            live.append(stored.binding(userAgents: userAgents))
        }
        return live
    }

    /// How many bindings and how many AORs are alive at `now`, without building a binding.
    public func liveCounts(now: Timestamp) -> (bindings: Int, aors: Int) {
        var bindings = 0
        var aors = 0
        chainHeads.forEach { _, head in
            let live = chain(from: head).compactMap { index -> StoredBinding? in
                guard let stored = slots[Int(index)], stored.expiresAtMilliseconds > now.milliseconds else { return nil }
                return stored
            }
            bindings += live.count
            switch live.count {
            case 0: break
            case 1: aors += 1
            default:
                // Several bindings under one hash: one AOR's contacts, or (rarely) colliding AORs.
                var distinct: [StoredBinding] = []
                for stored in live where !distinct.contains(where: { $0.sameAOR(as: stored) }) { distinct.append(stored) }
                aors += distinct.count
            }
        }
        return (bindings, aors)
    }

    /// Applies one change.
    public mutating func apply(_ change: BindingChange) {
        switch change {
        case .upsert(let binding): upsert(binding)
        case .remove(let aor, let contactKey): remove(aor: aor, contactKey: contactKey)
        }
    }

    /// Inserts `binding` or replaces the one with the same AOR and contact key.
    public mutating func upsert(_ binding: Binding) {
        let stored = StoredBinding(binding, userAgentIndex: sharedUserAgentIndex(binding.userAgent))
        // One hash and one walk of the AOR's chain serve the lookup and the AOR count.
        let hash = Self.hash(binding.aor)
        let existing = slotIndices(of: binding.aor, hash: hash)
        if let index = slot(withContactKey: binding.contactKey, among: existing) {
            if let previous = slots[Int(index)], !previous.hasSource(binding.source.address) {
                uncount(previous.sourceAddress)
                countsBySourceIP[binding.source.address, default: 0] += 1
            }
            slots[Int(index)] = stored
            file(index, expiringAt: binding.expiresAt)
            return
        }
        let index: Int32
        if let free = freeSlots.popLast() {
            index = free
            slots[Int(index)] = stored
            nextInChain[Int(index)] = -1
        } else {
            index = Int32(slots.count)
            slots.append(stored)
            nextInChain.append(-1)
        }
        if existing.isEmpty { aorCount += 1 }
        link(index, hash: hash)
        file(index, expiringAt: binding.expiresAt)
        countsBySourceIP[binding.source.address, default: 0] += 1
        count += 1
    }

    /// How many bindings (lapsed ones until the next sweep included) were registered from `ip`.
    public func bindingCount(from ip: IPAddress) -> Int { countsBySourceIP[ip] ?? 0 }

    private mutating func uncount(_ ip: IPAddress) {
        let left = (countsBySourceIP[ip] ?? 1) - 1
        countsBySourceIP[ip] = left > 0 ? left : nil
    }

    /// Removes the binding of `aor` with `contactKey`; returns it if it was there.
    @discardableResult
    public mutating func remove(aor: String, contactKey: String) -> Binding? {
        guard let index = slotIndex(aor: aor, contactKey: contactKey) else { return nil }
        return removeSlot(index)
    }

    /// Removes every binding that lapsed at or before `now` and returns them.
    public mutating func removeExpired(now: Timestamp) -> [Binding] {
        let through = now.seconds
        guard !expiryBuckets.isEmpty, sweepCursor <= through else { return [] }
        let due: [Int64]
        if through - sweepCursor > Int64(expiryBuckets.count) {
            due = expiryBuckets.keys.filter { $0 <= through }.sorted()
        } else {
            due = (sweepCursor...through).filter { expiryBuckets[$0] != nil }
        }
        var lapsed: [Binding] = []
        for second in due {
            guard let indices = expiryBuckets.removeValue(forKey: second) else { continue }
            for index in indices {
                guard let stored = slots[Int(index)] else { continue }
                let filedSecond = Timestamp(milliseconds: stored.expiresAtMilliseconds).seconds
                if stored.expiresAtMilliseconds <= now.milliseconds {
                    if filedSecond == second, let binding = removeSlot(index) { lapsed.append(binding) }
                } else if filedSecond == second {
                    expiryBuckets[second, default: []].append(index)  // due later this second
                }
            }
        }
        sweepCursor = expiryBuckets[through] == nil ? through + 1 : through
        return lapsed
    }

    // MARK: - Slots

    private static func hash(_ aor: String) -> UInt64 { UInt64(bitPattern: Int64(aor.hashValue)) }

    /// The slots of the chain starting at `head`, in registration order.
    private func chain(from head: Int32) -> [Int32] {
        var indices: [Int32] = []
        var index = head
        while index >= 0 {
            indices.append(index)
            index = nextInChain[Int(index)]
        }
        return indices
    }

    private func slotIndices(of aor: String) -> [Int32] { slotIndices(of: aor, hash: Self.hash(aor)) }

    /// The slots of `aor` (whose hash is `hash`), in registration order.
    private func slotIndices(of aor: String, hash: UInt64) -> [Int32] {
        var indices: [Int32] = []
        var index = chainHeads[hash] ?? -1
        while index >= 0 {
            if slots[Int(index)]?.belongs(to: aor) ?? false { indices.append(index) }
            index = nextInChain[Int(index)]
        }
        return indices
    }

    /// Appends slot `index` to the end of its hash's chain.
    private mutating func link(_ index: Int32, hash: UInt64) {
        guard var last = chainHeads[hash] else {
            chainHeads[hash] = index
            return
        }
        while nextInChain[Int(last)] >= 0 { last = nextInChain[Int(last)] }
        nextInChain[Int(last)] = index
    }

    /// Takes slot `index` out of its hash's chain.
    private mutating func unlink(_ index: Int32, hash: UInt64) {
        guard let head = chainHeads[hash] else { return }
        let next = nextInChain[Int(index)]
        nextInChain[Int(index)] = -1
        if head == index {
            chainHeads[hash] = next >= 0 ? next : nil
            return
        }
        var previous = head
        while nextInChain[Int(previous)] >= 0 {
            if nextInChain[Int(previous)] == index {
                nextInChain[Int(previous)] = next
                return
            }
            previous = nextInChain[Int(previous)]
        }
    }

    private func slotIndex(aor: String, contactKey: String) -> Int32? {
        slot(withContactKey: contactKey, among: slotIndices(of: aor))
    }

    private func slot(withContactKey contactKey: String, among indices: [Int32]) -> Int32? {
        indices.first { slots[Int($0)]?.hasContactKey(contactKey) ?? false }
    }

    private mutating func removeSlot(_ index: Int32) -> Binding? {
        guard let stored = slots[Int(index)] else { return nil }
        let binding = stored.binding(userAgents: userAgents)
        slots[Int(index)] = nil
        freeSlots.append(index)
        uncount(binding.source.address)
        count -= 1
        let hash = Self.hash(binding.aor)
        unlink(index, hash: hash)
        if slotIndices(of: binding.aor, hash: hash).isEmpty { aorCount -= 1 }
        return binding
    }

    private mutating func sharedUserAgentIndex(_ userAgent: String?) -> UInt16 {
        guard let userAgent, !userAgent.isEmpty else { return 0 }
        if let index = userAgentIndices[userAgent] { return index }
        guard userAgents.count < Self.maxSharedUserAgents else { return 0 }
        let index = UInt16(userAgents.count)
        userAgents.append(userAgent)
        userAgentIndices[userAgent] = index
        return index
    }

    private mutating func file(_ index: Int32, expiringAt expiry: Timestamp) {
        let second = expiry.seconds
        expiryBuckets[second, default: []].append(index)
        sweepCursor = min(sweepCursor, second)
    }
}
