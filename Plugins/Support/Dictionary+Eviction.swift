/// Shared by the shipped plugins (linked into each plugin library; nothing here crosses the plugin API).
extension Dictionary {
    /// Removes the eighth of the entries least recently active (at least one), by `lastActive`.
    ///
    /// Used when a table is full, so that memory stays bounded whatever an attacker sends.
    /// Evicting in bulk keeps the cost per insertion small, and choosing the least recently
    /// active keeps what is still going on. (Evicting one arbitrary entry, say the first, would
    /// always empty the same end of the hash table and slow every lookup.) Linear time: the
    /// activity times are counted into bins between the oldest and the newest, no sort.
    public mutating func evictLeastRecentlyActive(by lastActive: (Value) -> Int64) {
        guard !isEmpty else { return }
        let quota = Swift.max(1, count / 8)
        let times = values.map(lastActive)  // in the order of `keys`
        guard let oldest = times.min(), let newest = times.max() else { return }
        let binCount = 64
        // Unsigned arithmetic: the span of any two Int64 values fits in a UInt64.
        let width = UInt64(bitPattern: newest &- oldest) / UInt64(binCount) + 1
        let bins = times.map { Int(UInt64(bitPattern: $0 &- oldest) / width) }
        var counts = [Int](repeating: 0, count: binCount)
        for bin in bins { counts[bin] += 1 }
        var cutBin = 0
        var before = 0
        while cutBin < binCount - 1, before + counts[cutBin] < quota {
            before += counts[cutBin]
            cutBin += 1
        }
        var remainingInCutBin = quota - before
        var doomed: [Key] = []
        doomed.reserveCapacity(quota)
        for (key, bin) in zip(keys, bins) where bin <= cutBin {
            if bin == cutBin {
                guard remainingInCutBin > 0 else { continue }
                remainingInCutBin -= 1
            }
            doomed.append(key)
        }
        for key in doomed { removeValue(forKey: key) }
    }
}
