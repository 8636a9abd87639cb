/// A hash table from 64-bit keys (already hashes) to small fixed-width values, for the
/// registrar's per-binding indexes: open addressing with linear probing in two flat arrays,
/// filled up to 7/8 before it doubles.
///
/// A `Dictionary<Int, V>` holding 100,000 entries has 262,144 buckets (it keeps at most 3/4
/// full) of 8 bytes of key plus the value's stride; this table holds them in 131,072 buckets
/// of 8 bytes plus the value's size (4 for an `Int32`, 8 for a `UInt64`).
///
/// Key 0 marks an empty bucket, so a key of 0 is stored as 1: callers already tolerate two
/// keys that collide (they are hashes) and must tolerate this one the same way.
struct CompactTable<Value: BitwiseCopyable & Sendable>: Sendable {
    private var keys: [UInt64] = []
    private var values: [Value] = []
    /// What fills a bucket with no entry.
    private let filler: Value
    /// log2 of the bucket count (0 while nothing was ever stored).
    private var bits = 0
    /// The number of entries.
    private(set) var count = 0

    /// An empty table; `filler` is the value kept in empty buckets (never returned).
    init(filler: Value) { self.filler = filler }

    @inline(__always)
    private static func stored(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }

    /// The bucket where `key`'s probe starts (Fibonacci hashing spreads any key's bits).
    @inline(__always)
    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits)) }

    private var mask: Int { (1 << bits) - 1 }

    /// The bucket holding `key`, or nil.
    private func find(_ key: UInt64) -> Int? {
        guard count > 0 else { return nil }
        let mask = mask
        var index = home(key)
        while true {
            let here = keys[index]
            if here == key { return index }
            if here == 0 { return nil }
            index = (index + 1) & mask
        }
    }

    /// The value stored under `key`; setting nil removes it.
    subscript(key: UInt64) -> Value? {
        get { find(Self.stored(key)).map { values[$0] } }
        set {
            let key = Self.stored(key)
            if let newValue { insert(key, newValue) } else if let index = find(key) { removeBucket(index) }
        }
    }

    private mutating func insert(_ key: UInt64, _ value: Value) {
        if bits == 0 || (count + 1) * 8 > (1 << bits) * 7 { resize(to: max(4, bits + 1)) }
        let mask = mask
        var index = home(key)
        while true {
            let here = keys[index]
            if here == key { values[index] = value; return }
            if here == 0 {
                keys[index] = key
                values[index] = value
                count += 1
                return
            }
            index = (index + 1) & mask
        }
    }

    /// Empties bucket `index`, moving later entries of its probe run back so every entry stays
    /// reachable from its home bucket without tombstones.
    private mutating func removeBucket(_ index: Int) {
        let mask = mask
        var hole = index
        var next = index
        while true {
            next = (next + 1) & mask
            let key = keys[next]
            if key == 0 { break }
            // The entry at `next` may fill the hole if the hole lies on its probe path.
            if (next - home(key)) & mask >= (next - hole) & mask {
                keys[hole] = key
                values[hole] = values[next]
                hole = next
            }
        }
        keys[hole] = 0
        values[hole] = filler
        count -= 1
    }

    private mutating func resize(to newBits: Int) {
        let oldKeys = keys
        let oldValues = values
        rebuild(bits: newBits, from: oldKeys.indices.lazy.filter { oldKeys[$0] != 0 }.map { (oldKeys[$0], oldValues[$0]) })
    }

    /// Empty buckets, 2^`bits` of them, then `entries` inserted.
    private mutating func rebuild(bits newBits: Int, from entries: some Sequence<(UInt64, Value)>) {
        bits = newBits
        keys = Array(repeating: 0, count: 1 << newBits)
        values = Array(repeating: filler, count: 1 << newBits)
        count = 0
        for (key, value) in entries { insert(key, value) }
    }

    /// Calls `body` with every entry, in no particular order.
    func forEach(_ body: (UInt64, Value) -> Void) {
        guard count > 0 else { return }
        for index in keys.indices where keys[index] != 0 { body(keys[index], values[index]) }
    }

    /// Keeps only the entries `isIncluded` accepts, shrinking the buckets when few are left.
    mutating func filter(_ isIncluded: (UInt64, Value) -> Bool) {
        guard count > 0 else { return }
        var kept: [(UInt64, Value)] = []
        for index in keys.indices where keys[index] != 0 && isIncluded(keys[index], values[index]) {
            kept.append((keys[index], values[index]))
        }
        guard kept.count < count else { return }
        var bits = 4
        while kept.count * 8 > (1 << bits) * 7 { bits += 1 }
        rebuild(bits: bits, from: kept)
    }
}
