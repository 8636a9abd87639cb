import SIPWardenPolicy

/// The most recent security events, in memory, with a running count per kind.
///
/// The plugin host and the security log come later; until then this is where every
/// registration outcome goes, and what the control API reads.
struct EventJournal: Sendable {
    private var ring: [SecurityEvent] = []
    private var next = 0
    private let capacity: Int
    /// Events recorded since start, per kind.
    private(set) var countsByKind: [String: Int] = [:]
    /// Events recorded since start.
    private(set) var total = 0

    init(capacity: Int = 10_000) { self.capacity = max(1, capacity) }

    mutating func record(_ event: SecurityEvent) {
        countsByKind[event.kind, default: 0] += 1
        total += 1
        if ring.count < capacity {
            ring.append(event)
        } else {
            ring[next] = event
            next = (next + 1) % capacity
        }
    }

    /// The retained events, oldest first.
    var recent: [SecurityEvent] {
        ring.count < capacity ? ring : Array(ring[next...] + ring[..<next])
    }
}
