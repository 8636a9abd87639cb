import SIPWardenPolicy

/// The buckets of one shard of the admission table, guarded by its shard's lock.
struct AdmissionShardState: Sendable {
    /// Per-source buckets.
    var buckets: [IPAddress: SourceBucket] = [:]
    /// Shared by new sources while the shard is full (a flood from more addresses than the
    /// table holds, which per-address limits cannot stop anyway): together they get what one
    /// unknown source gets, while sources with live bindings are let through.
    var overflow: TokenBucket
    /// Sightings not yet collected by the plugin's tick.
    var sightings: [ExcessSighting] = []
    /// Sightings lost because the list was full (a tick is late).
    var droppedSightings = 0
    /// Packets judged by the overflow bucket.
    var overflowPackets = 0
    /// When idle buckets were last evicted because the shard was full.
    var lastEvictionAt = Int64.min

    /// Sightings kept between ticks, per shard.
    static let maxSightings = 512
    /// How long the binding count and trust of a source are believed, milliseconds.
    static let factsLifetime: Int64 = 1000

    /// An empty shard.
    init(budget: AdmissionBudget, now: Int64) {
        overflow = TokenBucket(capacity: budget.baseCapacity, now: now)
    }

    /// Takes a token for `packet`'s source, creating its bucket when there is room.
    mutating func take(
        _ packet: PacketInfo, now: Int64, budget: AdmissionBudget, capacity: Int, windowMilliseconds: Int64
    ) -> AdmissionVerdict {
        if let index = buckets.index(forKey: packet.source) {
            return Self.take(
                &buckets.values[index], packet, now: now, budget: budget, windowMilliseconds: windowMilliseconds,
                sightings: &sightings, dropped: &droppedSightings)
        }
        if buckets.count >= capacity, now >= lastEvictionAt &+ 1000 {
            lastEvictionAt = now
            evictIdle(now: now, budget: budget, windowMilliseconds: windowMilliseconds)
        }
        guard buckets.count < capacity else {
            overflowPackets += 1
            return overflow.take(now: now, ratePerMillisecond: budget.baseRate, capacity: budget.baseCapacity)
                ? .accept : .needsFacts
        }
        var entry = SourceBucket(budget: budget, now: now)
        let verdict = Self.take(
            &entry, packet, now: now, budget: budget, windowMilliseconds: windowMilliseconds,
            sightings: &sightings, dropped: &droppedSightings)
        buckets[packet.source] = entry
        return verdict
    }

    /// Takes a token again after the host was asked about the source: the budget grows or
    /// shrinks with its binding count, and trusted sources always pass.
    mutating func retake(
        _ packet: PacketInfo, now: Int64, trusted: Bool, bindings: Int, budget: AdmissionBudget, windowMilliseconds: Int64
    ) -> Bool {
        guard let index = buckets.index(forKey: packet.source) else {
            // Judged by the overflow bucket (or evicted meanwhile): only the facts can help.
            return trusted || bindings > 0
        }
        return Self.retake(
            &buckets.values[index], packet, now: now, trusted: trusted, bindings: bindings, budget: budget,
            windowMilliseconds: windowMilliseconds, sightings: &sightings, dropped: &droppedSightings)
    }

    /// Forgets buckets that are full and quiet for a window: a new one would be the same.
    mutating func evictIdle(now: Int64, budget: AdmissionBudget, windowMilliseconds: Int64) {
        let window = now / windowMilliseconds
        buckets = buckets.filter { _, entry in
            now - entry.bucket.updatedAt < windowMilliseconds || entry.reportedWindow == window
                || !entry.bucket.isFull(
                    now: now, ratePerMillisecond: budget.rate(bindings: entry.bindings),
                    capacity: budget.capacity(bindings: entry.bindings))
        }
    }

    /// Hands the sightings over and clears them.
    mutating func drain() -> [ExcessSighting] {
        defer { sightings.removeAll(keepingCapacity: true) }
        return sightings
    }

    private static func take(
        _ entry: inout SourceBucket, _ packet: PacketInfo, now: Int64, budget: AdmissionBudget, windowMilliseconds: Int64,
        sightings: inout [ExcessSighting], dropped: inout Int
    ) -> AdmissionVerdict {
        if entry.bucket.take(
            now: now, ratePerMillisecond: budget.rate(bindings: entry.bindings),
            capacity: budget.capacity(bindings: entry.bindings))
        {
            return .accept
        }
        if now >= entry.factsCheckedAt &+ factsLifetime { return .needsFacts }
        if entry.trusted { return .accept }
        note(&entry, packet, now: now, windowMilliseconds: windowMilliseconds, sightings: &sightings, dropped: &dropped)
        return .refuse
    }

    private static func retake(
        _ entry: inout SourceBucket, _ packet: PacketInfo, now: Int64, trusted: Bool, bindings: Int,
        budget: AdmissionBudget, windowMilliseconds: Int64, sightings: inout [ExcessSighting], dropped: inout Int
    ) -> Bool {
        let oldCapacity = budget.capacity(bindings: entry.bindings)
        let newCapacity = budget.capacity(bindings: bindings)
        entry.bindings = bindings
        entry.trusted = trusted
        entry.factsCheckedAt = now
        // New registrations earn their burst at once: the office whose phones are coming back
        // after an outage needs the room now, not after a refill.
        if newCapacity > oldCapacity { entry.bucket.tokens += newCapacity - oldCapacity }
        entry.bucket.tokens = min(entry.bucket.tokens, newCapacity)
        if entry.bucket.take(now: now, ratePerMillisecond: budget.rate(bindings: bindings), capacity: newCapacity) {
            return true
        }
        if trusted { return true }
        note(&entry, packet, now: now, windowMilliseconds: windowMilliseconds, sightings: &sightings, dropped: &dropped)
        return false
    }

    /// Notes the first excess of a window for the tick to report.
    private static func note(
        _ entry: inout SourceBucket, _ packet: PacketInfo, now: Int64, windowMilliseconds: Int64,
        sightings: inout [ExcessSighting], dropped: inout Int
    ) {
        let window = now / windowMilliseconds
        guard entry.reportedWindow != window else { return }
        entry.reportedWindow = window
        guard sightings.count < maxSightings else {
            dropped += 1
            return
        }
        sightings.append(ExcessSighting(
            address: packet.source, port: packet.sourcePort, transport: packet.transport, timeMilliseconds: now,
            bindings: entry.bindings))
    }
}
