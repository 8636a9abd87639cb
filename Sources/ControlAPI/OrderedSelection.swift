import HeapModule

/// One page of a list in sorted order without sorting all of it: what the console's table
/// pages use to show 100 rows out of 100,000.
enum OrderedSelection {
    /// The items from `offset` on, at most `limit` of them, in ascending order. When the page
    /// ends early in the list only the first `offset + limit` are ordered, in a max-heap that
    /// never holds more (one pass, n log k comparisons); otherwise everything is sorted.
    static func page<Item: Comparable>(of items: [Item], offset: Int, limit: Int) -> [Item] {
        let offset = max(0, offset)
        guard offset < items.count, limit > 0 else { return [] }
        let wanted = limit >= items.count - offset ? items.count : offset + limit
        let ordered: [Item]
        if wanted * 4 >= items.count {
            ordered = items.sorted()
        } else {
            var heap = Heap<Item>()
            for item in items {
                if heap.count < wanted {
                    heap.insert(item)
                } else if let largest = heap.max, item < largest {
                    heap.replaceMax(with: item)
                }
            }
            ordered = heap.unordered.sorted()
        }
        return Array(ordered[offset..<min(ordered.count, offset + limit)])
    }
}
