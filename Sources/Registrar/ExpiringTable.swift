/// A dictionary whose entries live a fixed time and whose size is bounded: entries go in the
/// order they were first stored, once lapsed or, while the table is full, to make room.
///
/// What `TransactionCache` keeps twice: its transactions, and the seeds of its challenges.
struct ExpiringTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var values: [Key: Value] = [:]
    /// Keys oldest first, from `head` on; the part before it is dropped now and then.
    private var order: [(key: Key, expiresAt: Timestamp)] = []
    private var head = 0
    let lifetimeSeconds: Int64
    let capacity: Int

    /// A table keeping entries `lifetimeSeconds`, at most `capacity` (at least 1) of them.
    init(lifetimeSeconds: Int64, capacity: Int) {
        self.lifetimeSeconds = lifetimeSeconds
        self.capacity = max(1, capacity)
    }

    /// Entries held (some may have lapsed since the last `store`).
    var count: Int { values.count }

    /// The value under `key`, if held.
    subscript(key: Key) -> Value? { values[key] }

    /// Removes what lapsed by `now` and, while full, the oldest entries; then stores `value`
    /// under `key`. A key already held keeps its place and expiry, and its value unless `replace`.
    mutating func store(_ value: Value, forKey key: Key, now: Timestamp, replace: Bool = true) {
        while head < order.count, order[head].expiresAt <= now || values.count >= capacity {
            values[order[head].key] = nil
            head += 1
        }
        if head > 4096, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
        if values[key] == nil {
            values[key] = value
            order.append((key, now.adding(seconds: lifetimeSeconds)))
        } else if replace {
            values[key] = value
        }
    }

    /// Replaces the value under `key` when it is held.
    mutating func update(_ value: Value, forKey key: Key) {
        if values[key] != nil { values[key] = value }
    }

    /// Removes `key`'s entry (its place in the order lapses with it).
    mutating func remove(_ key: Key) { values[key] = nil }
}
